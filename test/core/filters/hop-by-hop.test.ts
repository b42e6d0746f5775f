import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../../electron/core/http.ts'
import { request, response, type Headers, type Request } from '../../../electron/core/message.ts'
import { removeHopByHop } from '../../../electron/core/filters/hop-by-hop.ts'

function upstream(status: number, headers: Headers): { handler: HttpHandler; seen: Request[] } {
  const seen: Request[] = []
  return {
    seen,
    handler: async (req) => {
      seen.push(req)
      return response(status, { headers })
    },
  }
}

test('hop-by-hop headers and those named in Connection are removed both ways, and Trailer, an end-to-end field, stays', async () => {
  const up = upstream(200, [
    ['Content-Type', 'text/plain'],
    ['Connection', 'X-Secret'],
    ['x-secret', 'shh'],
    ['Keep-Alive', 'timeout=5'],
    ['Transfer-Encoding', 'chunked'],
    ['Trailer', 'Expires'],
    ['Vary', 'Accept'],
  ])
  const res = await removeHopByHop()(up.handler)(
    request({
      target: 'http://h/',
      headers: [
        ['Host', 'h'],
        ['Connection', 'keep-alive, X-Per-Hop'],
        ['connection', 'Foo'],
        ['X-Per-Hop', '1'],
        ['foo', '2'],
        ['Proxy-Connection', 'keep-alive'],
        ['TE', 'trailers'],
        ['Upgrade', 'h2c'],
        ['Accept', '*/*'],
        ['Keep-Alive', '300'],
      ],
    }),
  )
  assert.deepEqual(up.seen[0]?.headers, [
    ['Host', 'h'],
    ['Accept', '*/*'],
  ])
  assert.deepEqual(res.headers, [
    ['Content-Type', 'text/plain'],
    ['Trailer', 'Expires'],
    ['Vary', 'Accept'],
  ])
})

test('a message without hop-by-hop headers passes through as the same object', async () => {
  const req = request({ target: '/', headers: [['Host', 'h']] })
  const res = response(204, { headers: [['Server', 's']] })
  let seen: Request | undefined
  const out = await removeHopByHop()(async (r) => {
    seen = r
    return res
  })(req)
  assert.equal(seen, req)
  assert.equal(out, res)
})

test('a websocket upgrade request and its 101 response keep Connection and Upgrade', async () => {
  const upgrade: Headers = [
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Version', '13'],
  ]
  const up = upstream(101, [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 'x'],
  ])
  const res = await removeHopByHop()(up.handler)(request({ target: '/ws', headers: [['Host', 'h'], ...upgrade] }))
  assert.deepEqual(up.seen[0]?.headers, [['Host', 'h'], ...upgrade])
  assert.deepEqual(res.headers, [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 'x'],
  ])
})

test('an upgrade refused by the upstream has its hop-by-hop headers removed from the response', async () => {
  const up = upstream(400, [
    ['Connection', 'close'],
    ['Content-Length', '0'],
  ])
  const res = await removeHopByHop()(up.handler)(
    request({
      target: '/ws',
      headers: [
        ['Connection', 'upgrade'],
        ['Upgrade', 'websocket'],
      ],
    }),
  )
  assert.deepEqual(res.headers, [['Content-Length', '0']])
})

test('an Upgrade on a POST is not a websocket handshake, so it is removed', async () => {
  const up = upstream(200, [])
  await removeHopByHop()(up.handler)(
    request({
      method: 'POST',
      target: '/',
      headers: [
        ['Connection', 'Upgrade'],
        ['Upgrade', 'h2c'],
      ],
    }),
  )
  assert.deepEqual(up.seen[0]?.headers, [])
})

test('an upgrade that offers h2c alone, however it is listed, is declined, and one naming another protocol beside it passes', async () => {
  const handshake = (...upgrades: string[]) =>
    request({
      target: '/',
      headers: [['Connection', 'Upgrade, HTTP2-Settings'], ...upgrades.map((u): [string, string] => ['Upgrade', u])],
    })
  for (const offer of [['h2c, h2c'], ['H2C'], ['h2c', ' h2c ,']]) {
    const up = upstream(200, [])
    await removeHopByHop()(up.handler)(handshake(...offer))
    assert.deepEqual(up.seen[0]?.headers, [], `Upgrade: ${offer.join(' / ')} is declined`)
  }
  const up = upstream(200, [])
  await removeHopByHop()(up.handler)(handshake('h2c', 'websocket'))
  assert.deepEqual(up.seen[0]?.headers, [
    ['Connection', 'Upgrade, HTTP2-Settings'],
    ['Upgrade', 'h2c'],
    ['Upgrade', 'websocket'],
  ])
})
