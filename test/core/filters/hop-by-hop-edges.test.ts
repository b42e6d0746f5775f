/**
 * The edges of hop-by-hop removal (RFC 9110 §7.6.1) called in memory: every listed field goes in any case, fields
 * named by `Connection` go however its list is written, an h2c offer is declined, and a websocket handshake passes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  HOP_BY_HOP_HEADERS,
  isUpgradeRequest,
  removeHopByHop,
  withoutHopByHop,
} from '../../../electron/core/filters/hop-by-hop.ts'
import { request, response, type Header, type Request } from '../../../electron/core/message.ts'

const names = (headers: readonly Header[]) => headers.map((h) => h[0])

test('the hop-by-hop list is the RFC 9110 §7.6.1 fields, Proxy-Connection and Transfer-Encoding', () => {
  assert.deepEqual([...HOP_BY_HOP_HEADERS].sort(), [
    'connection',
    'keep-alive',
    'proxy-connection',
    'te',
    'transfer-encoding',
    'upgrade',
  ])
})

test('each listed field is removed whatever its case, and end-to-end fields stay in order', () => {
  const req = request({
    target: '/',
    headers: [
      ['Host', 'a'],
      ['KEEP-ALIVE', 'timeout=5'],
      ['Proxy-Connection', 'keep-alive'],
      ['TE', 'trailers'],
      ['Transfer-Encoding', 'chunked'],
      ['Trailer', 'X-Sum'],
      ['x-keep', '1'],
    ],
  })
  assert.deepEqual(names(withoutHopByHop(req).headers), ['Host', 'Trailer', 'x-keep'])
})

test('fields named by Connection go, however the list is spaced, cased or split over several Connection fields', () => {
  const res = response(200, {
    headers: [
      ['Connection', ' Keep-Alive ,X-Secret, , x-other '],
      ['X-Secret', 's'],
      ['x-other', 'o'],
      ['connection', 'X-Third'],
      ['X-Third', 't'],
      ['X-Stays', 'y'],
    ],
  })
  assert.deepEqual(names(withoutHopByHop(res).headers), ['X-Stays'])
  const single = response(200, {
    headers: [
      ['Connection', ' X-Only '],
      ['x-only', '1'],
      ['Kept', '2'],
    ],
  })
  assert.deepEqual(names(withoutHopByHop(single).headers), ['Kept'])
})

test('a message with no hop-by-hop field comes back as the same message', () => {
  const req = request({
    target: '/',
    headers: [
      ['Accept', '*/*'],
      ['X-Connection', 'no'],
    ],
  })
  assert.equal(withoutHopByHop(req), req)
})

const handshake = (method: string, ...headers: Header[]): Request => request({ method, target: '/ws', headers })

test('a websocket handshake is a GET, in any case, with Upgrade and a Connection that names upgrade', () => {
  assert.equal(isUpgradeRequest(handshake('GET', ['Connection', 'Upgrade'], ['Upgrade', 'websocket'])), true)
  assert.equal(
    isUpgradeRequest(handshake('get', ['connection', 'keep-alive, UPGRADE'], ['upgrade', 'websocket'])),
    true,
  )
  assert.equal(
    isUpgradeRequest(handshake('GET', ['Connection', 'keep-alive'], ['Connection', 'Upgrade'], ['Upgrade', 'x'])),
    true,
  )
  assert.equal(isUpgradeRequest(handshake('POST', ['Connection', 'Upgrade'], ['Upgrade', 'websocket'])), false)
  assert.equal(isUpgradeRequest(handshake('GET', ['Connection', 'Upgrade'])), false, 'no Upgrade header')
  assert.equal(isUpgradeRequest(handshake('GET', ['Upgrade', 'websocket'])), false, 'no Connection: upgrade')
  assert.equal(isUpgradeRequest(handshake('GET', ['Connection', 'upgraded'], ['Upgrade', 'websocket'])), false)
})

test('the filter passes a websocket handshake and a 101 untouched, and declines an h2c-only offer', async () => {
  const seen: Request[] = []
  const filter = removeHopByHop()(async (req) => {
    seen.push(req)
    return response(101, {
      headers: [
        ['Connection', 'Upgrade'],
        ['Upgrade', 'websocket'],
      ],
    })
  })
  const ws = handshake('GET', ['Connection', 'Upgrade'], ['Upgrade', 'websocket'])
  const switched = await filter(ws)
  assert.equal(seen[0], ws)
  assert.deepEqual(names(switched.headers), ['Connection', 'Upgrade'])
  await filter(
    handshake('GET', ['Connection', 'Upgrade, HTTP2-Settings'], ['Upgrade', ' H2C '], ['HTTP2-Settings', 'x']),
  )
  assert.deepEqual(names(seen[1]!.headers), [], 'the h2c offer and the fields it named are dropped')
  const both = handshake('GET', ['Connection', 'Upgrade'], ['Upgrade', 'h2c, websocket'])
  await filter(both)
  assert.equal(seen[2], both, 'an offer of more than h2c is a handshake')
})

test('the filter removes hop-by-hop fields from a plain request and from its response', async () => {
  let upstream: Request | undefined
  const filter = removeHopByHop()(async (req) => {
    upstream = req
    return response(200, {
      headers: [
        ['Keep-Alive', 'timeout=5'],
        ['Content-Type', 'text/plain'],
      ],
    })
  })
  const res = await filter(
    request({
      target: '/',
      headers: [
        ['Connection', 'close'],
        ['Accept', '*/*'],
      ],
    }),
  )
  assert.deepEqual(names(upstream!.headers), ['Accept'])
  assert.deepEqual(names(res.headers), ['Content-Type'])
  assert.equal(removeHopByHop().description, 'removes hop-by-hop headers both ways')
})
