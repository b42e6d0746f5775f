/**
 * One live subscriber, as a browser tab would be, in its own process: connects to the web UI's WebSocket
 * (argv[2]), sends `subscribe`, parses every message (exchange batches back into summaries, as the renderer does)
 * and counts the exchanges it is sent (snapshot plus live batches). Tells its parent `{ ready: true }` once
 * subscribed and answers `'count?'` with `{ count, batches }`.
 */
import WebSocket from 'ws'
import { eventFromWire } from '../shared/wire-events.ts'

const url = process.argv[2] ?? ''
let count = 0
let batches = 0
const ws = new WebSocket(url)

ws.on('open', () => ws.send(JSON.stringify({ type: 'command', id: 1, name: 'subscribe', args: {} })))
ws.on('message', (data) => {
  const message = JSON.parse(String(data)) as {
    type: string
    id?: number
    name?: string
    payload?: { exchanges?: unknown[] }
    value?: { exchanges?: unknown[] }
  }
  if (message.type === 'result' && message.id === 1) {
    count += message.value?.exchanges?.length ?? 0
    process.send?.({ ready: true })
  } else if (message.type === 'event' && message.name === 'exchanges') {
    // Rows back into summaries, as the renderer's transport does.
    const { exchanges } = eventFromWire('exchanges', message.payload) as { exchanges: unknown[] }
    count += exchanges.length
    batches++
  }
})
ws.on('error', (error) => {
  console.error(`ws-subscriber: ${error.message}`)
  process.exit(1)
})
process.on('message', (message) => {
  if (message === 'count?') process.send?.({ count, batches })
})
process.on('disconnect', () => {
  ws.terminate()
  process.exit(0)
})
