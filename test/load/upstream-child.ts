/**
 * The load tests' upstream, run in its own process so it never competes with the proxy for the event loop
 * (and so a test can kill it like a real server dies). Listens on 127.0.0.1 at the port given as the first
 * argument (0: a free one), answers every request with a short fixed body, and tells its parent the port over
 * the IPC channel.
 */
import { createServer } from 'node:http'

const BODY = Buffer.from('ok: '.padEnd(64, '.') + '\n')

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.byteLength })
    res.end(BODY)
  })
})
server.maxHeadersCount = 100
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port })
})
// The parent going away (a crashed test) takes the upstream with it.
process.on('disconnect', () => process.exit(0))
