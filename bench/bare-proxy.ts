/**
 * The floor: a reverse proxy in bare Node (http.createServer + http.request with a keep-alive agent, bodies
 * piped), run as its own process. Forwards everything to `--target` (argv[2]) and tells its parent `{ port }`.
 * No header rewriting beyond what Node does itself: this is what Node's own HTTP costs, nothing more. It runs
 * with the same V8 setting as Nanoscope's proxies (`tuneGarbageCollection`), so the comparison is of code, not of
 * runtime flags (measured: the bare pipe promotes nothing either way). It does not get the forwarding commands'
 * smaller young generation (bin/node-flags.mjs): in the bench's order (1 KiB, then 64 KiB in the same process) it
 * made the pipe slower at 64 KiB (four interleaved rounds, 2026-12-08: 4.0–5.6k req/s against 4.8–7.3k), and an
 * anchor slowed by a flag Nanoscope chose would flatter every ratio.
 */
import http from 'node:http'
import { tuneGarbageCollection } from '../electron/proxy/gc-tuning.ts'
import { answerAllocationQuestions } from './alloc-meter.ts'

tuneGarbageCollection()

const target = new URL(process.argv[2] ?? 'http://127.0.0.1:1')
const agent = new http.Agent({ keepAlive: true })

const server = http.createServer(function pipeToUpstream(req, res) {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      headers: { ...req.headers, host: target.host },
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
      upstreamRes.pipe(res)
    },
  )
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  req.pipe(upstream)
})
server.keepAliveTimeout = 60_000

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', (message) => {
  if (answerAllocationQuestions(message)) return
  if (message === 'cpu?') process.send?.(process.cpuUsage())
})
process.on('disconnect', () => {
  agent.destroy()
  process.exit(0)
})
