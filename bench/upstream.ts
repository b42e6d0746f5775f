/**
 * The benchmark's upstream, run as its own process: a plain node:http server on 127.0.0.1 that answers
 * `/1k` and `/64k` with that many bytes of text (Content-Length framed), `/1k-chunked` and `/64k-chunked` with the
 * same bytes as one chunk of a chunked body without trailers, anything else with 404.
 * Tells its parent `{ port }` over IPC once listening; exits when the parent disconnects.
 */
import http from 'node:http'

export const BODY_PATHS = { '1k': '/1k', '64k': '/64k' } as const

const bodies = new Map<string, Buffer>([
  ['/1k', Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')],
  ['/64k', Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n')],
])

const server = http.createServer(function serveFixedBody(req, res) {
  const url = req.url ?? ''
  const chunked = url.endsWith('-chunked')
  const body = bodies.get(chunked ? url.slice(0, -'-chunked'.length) : url)
  if (!body) {
    res.writeHead(404, { 'Content-Length': '0' }).end()
    return
  }
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(body.byteLength) }),
  })
  res.end(body)
})
server.keepAliveTimeout = 60_000

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', (message) => {
  if (message === 'cpu?') process.send?.(process.cpuUsage())
})
process.on('disconnect', () => process.exit(0))
