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
 * exchange, so `highestSeq - distinct` exchanges were never sent).
 */
import WebSocket from 'ws'
import { eventFromWire } from '../shared/wire-events.ts'

const url = process.argv[2] ?? ''
const target = process.argv[3]
let count = 0
let batches = 0
let highestSeq = 0
const seen = new Set<string>()
const ws = new WebSocket(url)

function saw(summaries: readonly { id: string; seq: number }[]): void {
  count += summaries.length
  for (const s of summaries) {
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
  if (message.type === 'result' && message.id === 1) {
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
})
process.on('disconnect', () => {
  ws.terminate()
  process.exit(0)
})
