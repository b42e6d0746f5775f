/**
 * One live subscriber, as a browser tab would be, in its own process: connects to the web UI's WebSocket
 * (argv[2]), sends `subscribe`, parses every message (exchange batches back into summaries, as the renderer does)
 * and counts the exchanges it is sent (snapshot plus live batches). With a target URL as argv[3] it then starts a
 * reverse proxy listener to it over the same contract, as the window's Pipelines pane does (`startListener`, kind
 * proxy, mode reverse, port 0), and tells its parent the listener's URL.
 *
 * Tells its parent `{ ready: true, url? }` once subscribed (and the listener started), answers `'count?'` with
 * `{ count, batches, distinct, highestSeq }`: `count` every summary sent (an exchange sent pending and again completed
 * counts twice), `distinct` the exchanges seen, `highestSeq` the highest seq seen (seqs are handed out one per
 * exchange, so `highestSeq - distinct` exchanges were never sent). `'bodies?0,10,…'` asks for the response bodies of
 * the exchanges that many from the newest, as the window's detail pane would (`getExchange`).
 */
import WebSocket from 'ws'
import { eventFromWire } from '../shared/wire-events.ts'

const url = process.argv[2] ?? ''
const target = process.argv[3]
let count = 0
let batches = 0
let highestSeq = 0
const seen = new Set<string>()
/** Ids in the order first seen, for `'bodies?'`. */
const order: string[] = []
let nextId = 10
const waiting = new Map<number, (value: unknown) => void>()

/** Sends a contract command and resolves with its result message (bounded). */
function command(name: string, args: unknown): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  const id = nextId++
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id)
      resolve({ ok: false, error: `${name}: no answer within 10 s` })
    }, 10_000)
    waiting.set(id, (message) => {
      clearTimeout(timer)
      resolve(message as { ok: boolean; value?: unknown; error?: string })
    })
    ws.send(JSON.stringify({ type: 'command', id, name, args }))
  })
}

interface BodyView {
  base64: string
  size: number
  truncated: boolean
  dropped?: boolean
}

/**
 * How the window would see the response bodies of the `n` exchanges at `ages` from the newest (0 is the newest): per
 * exchange, the bytes it could show, the real size, and whether the body was truncated or dropped.
 */
async function bodies(ages: readonly number[]): Promise<unknown[]> {
  const out: unknown[] = []
  for (const age of ages) {
    const id = order[order.length - 1 - age]
    if (id === undefined) continue
    const r = await command('getExchange', { id })
    const body = (r.value as { responseBody?: BodyView | null } | null)?.responseBody
    out.push(
      body
        ? {
            age,
            shown: Buffer.from(body.base64, 'base64').byteLength,
            size: body.size,
            truncated: body.truncated,
            dropped: body.dropped === true,
          }
        : { age, missing: r.ok ? 'evicted' : r.error },
    )
  }
  return out
}
const ws = new WebSocket(url)

function saw(summaries: readonly { id: string; seq: number }[]): void {
  count += summaries.length
  for (const s of summaries) {
    if (!seen.has(s.id)) order.push(s.id)
    seen.add(s.id)
    if (s.seq > highestSeq) highestSeq = s.seq
  }
}

ws.on('open', () => ws.send(JSON.stringify({ type: 'command', id: 1, name: 'subscribe', args: {} })))
ws.on('message', (data) => {
  const message = JSON.parse(String(data)) as {
    type: string
    id?: number
    name?: string
    payload?: unknown
    ok?: boolean
    value?: { exchanges?: { id: string; seq: number }[]; url?: string }
    error?: string
  }
  if (message.type === 'result' && message.id !== undefined && waiting.has(message.id)) {
    waiting.get(message.id)!(message)
    waiting.delete(message.id)
  } else if (message.type === 'result' && message.id === 1) {
    saw(message.value?.exchanges ?? [])
    if (target === undefined) process.send?.({ ready: true })
    else
      ws.send(
        JSON.stringify({
          type: 'command',
          id: 2,
          name: 'startListener',
          args: { kind: 'proxy', mode: 'reverse', httpsUpstream: false, target, port: 0 },
        }),
      )
  } else if (message.type === 'result' && message.id === 2) {
    if (!message.ok) {
      console.error(`ws-subscriber: startListener failed: ${message.error}`)
      process.exit(1)
    }
    process.send?.({ ready: true, url: message.value?.url })
  } else if (message.type === 'event' && message.name === 'exchanges') {
    // Rows back into summaries, as the renderer's transport does.
    const { exchanges } = eventFromWire('exchanges', message.payload) as { exchanges: { id: string; seq: number }[] }
    saw(exchanges)
    batches++
  }
})
ws.on('error', (error) => {
  console.error(`ws-subscriber: ${error.message}`)
  process.exit(1)
})
process.on('message', (message) => {
  if (message === 'count?') process.send?.({ count, batches, distinct: seen.size, highestSeq })
  else if (typeof message === 'string' && message.startsWith('bodies?')) {
    const ages = message.slice('bodies?'.length).split(',').filter(Boolean).map(Number)
    void bodies(ages).then((list) => process.send?.({ bodies: list }))
  }
})
process.on('disconnect', () => {
  ws.terminate()
  process.exit(0)
})
