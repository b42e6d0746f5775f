/**
 * The opening handshake rules of RFC 6455 §4, in memory: which requests are websocket upgrades, which responses
 * switched, what the accept key is, and what a websocket endpoint answers a handshake it cannot accept.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  acceptKey,
  handshakeProblem,
  isWebsocketSwitch,
  isWebsocketUpgrade,
} from '../../electron/core/websocket/handshake.ts'
import { websocket } from '../../electron/core/websocket/websocket.ts'
import { bodyText, request, response, type Header } from '../../electron/core/message.ts'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const upgrade = (method: string, ...headers: Header[]) => request({ method, target: '/ws', headers })
const good: Header[] = [
  ['Connection', 'keep-alive, Upgrade'],
  ['Upgrade', 'WebSocket'],
  ['Sec-WebSocket-Version', ' 13 '],
  ['Sec-WebSocket-Key', ` ${KEY} `],
]

test('the accept key is the one RFC 6455 §1.3 works out for its sample nonce', () => {
  assert.equal(acceptKey(KEY), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
})

test('a websocket upgrade is a GET, in any case, whose Connection names upgrade and whose Upgrade names websocket', () => {
  assert.equal(isWebsocketUpgrade(upgrade('GET', ...good)), true)
  assert.equal(isWebsocketUpgrade(upgrade('get', ...good)), true)
  assert.equal(isWebsocketUpgrade(upgrade('POST', ...good)), false)
  assert.equal(isWebsocketUpgrade(upgrade('GET', ['Connection', 'Upgrade'])), false, 'no Upgrade')
  assert.equal(isWebsocketUpgrade(upgrade('GET', ['Upgrade', 'websocket'])), false, 'no Connection')
  assert.equal(isWebsocketUpgrade(upgrade('GET', ['Connection', 'Upgrade'], ['Upgrade', 'h2c'])), false)
  assert.equal(
    isWebsocketUpgrade(
      upgrade('GET', ['Connection', 'close'], ['connection', ' UPGRADE '], ['Upgrade', 'x, websocket']),
    ),
    true,
    'tokens from every Connection and Upgrade field, trimmed and in any case',
  )
})

test('a response switched to websocket is a 101 whose Upgrade names websocket', () => {
  assert.equal(isWebsocketSwitch(response(101, { headers: [['upgrade', ' WebSocket ']] })), true)
  assert.equal(isWebsocketSwitch(response(101, { headers: [['Upgrade', 'h2c']] })), false)
  assert.equal(isWebsocketSwitch(response(200, { headers: [['Upgrade', 'websocket']] })), false)
})

test('each handshake problem is named: not an upgrade, a version other than 13, a key that is not 16 bytes', () => {
  assert.equal(handshakeProblem(upgrade('GET', ...good)), undefined)
  assert.equal(
    handshakeProblem(upgrade('POST', ...good)),
    'not a websocket upgrade (GET with Connection: Upgrade and Upgrade: websocket)',
  )
  const without = (name: string, ...extra: Header[]) => upgrade('GET', ...good.filter((h) => h[0] !== name), ...extra)
  assert.equal(handshakeProblem(without('Sec-WebSocket-Version')), 'Sec-WebSocket-Version must be 13')
  assert.equal(
    handshakeProblem(without('Sec-WebSocket-Version', ['Sec-WebSocket-Version', '8'])),
    'Sec-WebSocket-Version must be 13',
  )
  const badKey = 'Sec-WebSocket-Key must be 16 random bytes in base64'
  assert.equal(handshakeProblem(without('Sec-WebSocket-Key')), badKey)
  assert.equal(handshakeProblem(without('Sec-WebSocket-Key', ['Sec-WebSocket-Key', 'short=='])), badKey)
  assert.equal(handshakeProblem(without('Sec-WebSocket-Key', ['Sec-WebSocket-Key', `${KEY}x`])), badKey)
})

test('an endpoint answers a non-upgrade or a wrong version 426 with what to send, and a bad key 400', async () => {
  const endpoint = websocket(() => {})
  const plain = await endpoint(request({ target: '/ws' }))
  assert.equal(plain.status, 426)
  assert.deepEqual(plain.headers, [
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Version', '13'],
    ['Content-Type', 'text/plain; charset=utf-8'],
  ])
  assert.equal(
    await bodyText(plain.body),
    'not a websocket upgrade (GET with Connection: Upgrade and Upgrade: websocket)\n',
  )
  const oldVersion = await endpoint(
    upgrade('GET', ...good.filter((h) => h[0] !== 'Sec-WebSocket-Version'), ['Sec-WebSocket-Version', '8']),
  )
  assert.equal(oldVersion.status, 426)
  const badKey = await endpoint(
    upgrade('GET', ...good.filter((h) => h[0] !== 'Sec-WebSocket-Key'), ['Sec-WebSocket-Key', 'nope']),
  )
  assert.equal(badKey.status, 400)
  assert.deepEqual(badKey.headers, [['Content-Type', 'text/plain; charset=utf-8']])
  const switched = await endpoint(upgrade('GET', ...good))
  assert.equal(switched.status, 101)
  assert.deepEqual(switched.headers, [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
  ])
  assert.deepEqual(switched.tags, ['websocket'])
  assert.equal(typeof switched.tunnel, 'function')
  endpoint.close()
})
