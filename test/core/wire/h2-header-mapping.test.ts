/**
 * The mapping between the pipeline's header list and HTTP/2 header blocks (RFC 9113 §8.2–8.3), in memory: what is
 * dropped going out, how names are lower-cased and repeated names kept, what trailers may hold, how a raw block is
 * read back, and what counts as the h2c preface.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  h2Fields,
  h2Trailers,
  H2_PREFACE,
  pseudo,
  rawPairs,
  regularHeaders,
  startsLikePreface,
} from '../../../electron/core/wire/h2-wire.ts'
import type { Header } from '../../../electron/core/message.ts'

test('connection-specific fields, those Connection names and TE other than trailers are dropped going out', () => {
  const headers: Header[] = [
    ['Host', 'h'],
    ['Connection', 'keep-alive, X-Hop'],
    ['Keep-Alive', 'timeout=5'],
    ['Proxy-Connection', 'x'],
    ['Transfer-Encoding', 'chunked'],
    ['Upgrade', 'h2c'],
    ['HTTP2-Settings', 'AAA'],
    ['x-hop', '1'],
    ['TE', 'gzip'],
    ['Accept', '*/*'],
  ]
  assert.deepEqual(h2Fields(headers), { accept: '*/*' })
  assert.deepEqual(h2Fields([['TE', ' Trailers ']]), { te: ' Trailers ' })
})

test('names are lower-cased, repeated names become repeated fields in order, and pseudo-fields given are kept', () => {
  const out = h2Fields(
    [
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['SET-COOKIE', 'c=3'],
      ['X-One', 'v'],
      [':path', '/smuggled'],
    ],
    { ':status': 200 },
  )
  assert.deepEqual(out, { ':status': 200, 'set-cookie': ['a=1', 'b=2', 'c=3'], 'x-one': 'v' })
})

test('trailers keep what may trail and drop what may not, with the same rules', () => {
  assert.deepEqual(
    h2Trailers([
      ['grpc-status', '0'],
      ['Content-Length', '3'],
      ['Grpc-Message', 'ok'],
    ]),
    {
      'grpc-status': '0',
      'grpc-message': 'ok',
    },
  )
  assert.deepEqual(h2Trailers([['X-Digest', 'a']]), { 'x-digest': 'a' })
})

test('a raw block is read as its regular fields in order, and one pseudo-field by name', () => {
  const raw = [':method', 'GET', 'Accept', '*/*', ':path', '/p', 'accept', 'x', 'dangling']
  assert.deepEqual(regularHeaders(raw), [
    ['Accept', '*/*'],
    ['accept', 'x'],
  ])
  assert.equal(pseudo(raw, ':path'), '/p')
  assert.equal(pseudo(raw, ':scheme'), undefined)
  assert.equal(pseudo(['dangling'], 'dangling'), undefined)
})

test('without a raw list, a header object is flattened, arrays as repeated fields, numbers as text', () => {
  assert.deepEqual(rawPairs({ a: '1', b: ['2', '3'], c: undefined, d: 4 as unknown as string }, undefined), [
    'a',
    '1',
    'b',
    '2',
    'b',
    '3',
    'd',
    '4',
  ])
  const raw = ['x', 'y']
  assert.equal(rawPairs({ ignored: 'z' }, raw), raw)
})

test('bytes look like the h2 preface while they match its request line, however few have come', () => {
  assert.equal(startsLikePreface(Buffer.from('P')), true)
  assert.equal(startsLikePreface(Buffer.from('PRI * HTTP/2.0')), true)
  assert.equal(startsLikePreface(H2_PREFACE), true)
  assert.equal(startsLikePreface(Buffer.from('PRI * HTTP/2.0\r\nanything')), true, 'only the request line is checked')
  assert.equal(startsLikePreface(Buffer.from('GET / HTTP/1.1')), false)
  assert.equal(startsLikePreface(Buffer.from('PRX')), false)
  assert.equal(startsLikePreface(Buffer.alloc(0)), false)
  assert.equal(H2_PREFACE.toString('latin1'), 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
})
