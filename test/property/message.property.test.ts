/**
 * Properties of the message model, which must stay immutable and show what went over the wire: helpers never mutate
 * their inputs, and header order, case and duplicates survive every helper except where the helper's own rule says
 * otherwise.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  header,
  headerValues,
  replaceHeader,
  request,
  response,
  withBody,
  withHeader,
  withHeaders,
  withTagList,
  withTags,
  withTarget,
  withoutHeaders,
  type Headers,
  type Request,
  type Response,
} from '../../electron/core/message.ts'

/** Names drawn from a small pool in mixed case, so duplicates and case variants are common. */
const name = fc
  .constantFrom('Host', 'host', 'HOST', 'X-A', 'x-a', 'Set-Cookie', 'set-cookie', 'Accept', 'Via', 'Content-Length')
  .chain((n) => fc.boolean().map((upper) => (upper ? n.toUpperCase() : n)))
const value = fc.string({ maxLength: 12 })
const headers = fc.array(fc.tuple(name, value), { maxLength: 12 })
const message = fc
  .tuple(headers, fc.string({ maxLength: 8 }))
  .map(([h, body]) => request({ target: '/t', headers: h, body }))

const copy = (h: Headers): string[][] => h.map(([n, v]) => [n, v])
const lower = (s: string): string => s.toLowerCase()

test('withHeader appends and keeps every existing header, in order, case and duplicates', () => {
  fc.assert(
    fc.property(message, name, value, (req, n, v) => {
      const before = copy(req.headers)
      const after = withHeader(req, n, v)
      assert.deepEqual(copy(req.headers), before, 'the input was not changed')
      assert.deepEqual(copy(after.headers), [...before, [n, v]])
      assert.ok(Object.isFrozen(after) && Object.isFrozen(after.headers))
    }),
  )
})

test('replaceHeader leaves one header of that name where the first was, and the others untouched in order', () => {
  fc.assert(
    fc.property(message, name, value, (req, n, v) => {
      const before = copy(req.headers)
      const after = replaceHeader(req, n, v)
      assert.deepEqual(copy(req.headers), before, 'the input was not changed')
      assert.deepEqual(headerValues(after, n), [v])
      const others = (h: readonly (readonly string[])[]): string[][] =>
        h.filter(([hn]) => lower(hn!) !== lower(n)).map(([a, b]) => [a!, b!])
      assert.deepEqual(others(after.headers), others(before))
      const first = before.findIndex(([hn]) => lower(hn!) === lower(n))
      if (first >= 0) {
        assert.equal(
          after.headers.findIndex(([hn]) => lower(hn) === lower(n)),
          first,
          'in the place of the first one',
        )
        assert.equal(after.headers[first]![0], before[first]![0], 'keeping the case the name arrived with')
      } else assert.deepEqual(copy(after.headers).at(-1), [n, v])
    }),
  )
})

test('withoutHeaders removes exactly the named headers, case-insensitively, keeping the rest in order', () => {
  fc.assert(
    fc.property(message, fc.array(name, { maxLength: 3 }), (req, names) => {
      const before = copy(req.headers)
      const drop = new Set(names.map(lower))
      const after = withoutHeaders(req, drop)
      assert.deepEqual(copy(req.headers), before)
      assert.deepEqual(
        copy(after.headers),
        before.filter(([n]) => !drop.has(lower(n!))),
      )
      if (!before.some(([n]) => drop.has(lower(n!))))
        assert.equal(after, req, 'with nothing to drop, the same message comes back')
    }),
  )
})

test('header() finds the first value case-insensitively and headerValues() all of them in order', () => {
  fc.assert(
    fc.property(message, name, (req, n) => {
      const matching = req.headers.filter(([hn]) => lower(hn) === lower(n)).map(([, v]) => v)
      assert.equal(header(req, n.toUpperCase()), matching[0])
      assert.deepEqual(headerValues(req, n.toLowerCase()), matching)
    }),
  )
})

test('the other helpers never mutate their input and return frozen messages', () => {
  fc.assert(
    fc.property(
      message,
      headers,
      fc.string({ maxLength: 8 }),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      (req, h, text, tags) => {
        const snapshot = JSON.stringify({ ...req, body: req.body.kind === 'bytes' ? [...req.body.bytes] : 'stream' })
        const results: Request[] = [withHeaders(req, h), withBody(req, text), withTarget(req, `/${text}`)]
        assert.equal(
          JSON.stringify({ ...req, body: req.body.kind === 'bytes' ? [...req.body.bytes] : 'stream' }),
          snapshot,
        )
        for (const r of results)
          assert.ok(
            Object.isFrozen(r) && Object.isFrozen(r.headers) && r.headers.every((pair) => Object.isFrozen(pair)),
          )
        assert.deepEqual(copy(withHeaders(req, h).headers), copy(h))
        const res = response(200, { tags: ['a'] })
        const tagged = withTags(res, ...tags)
        assert.deepEqual(res.tags, ['a'])
        assert.deepEqual(tagged.tags, ['a', ...tags])
      },
    ),
  )
})

test('tagging a response keeps every other field as it was, whether or not it has the optional ones', () => {
  const tunnel: Response['tunnel'] = async () => ({ bytesUp: 0, bytesDown: 0 })
  const plain = response(201, { headers: [['X-A', '1']], body: 'hi' })
  const all: Response = Object.freeze({
    ...response(502),
    generated: { cause: 'refused' as const, message: 'connection refused' },
    tunnel,
    tags: ['x'],
  })
  for (const res of [plain, all]) {
    const tagged = withTagList(res, ['recorded'])
    assert.ok(Object.isFrozen(tagged))
    assert.deepEqual(tagged, { ...res, tags: ['recorded'] })
    assert.deepEqual(Object.keys(tagged).sort(), [...new Set([...Object.keys(res), 'tags'])].sort())
  }
})

test('a frozen message cannot be changed in place', () => {
  fc.assert(
    fc.property(message, (req) => {
      assert.throws(() => {
        ;(req as { target: string }).target = 'x'
      }, TypeError)
      assert.throws(() => {
        ;(req.headers as Array<readonly [string, string]>).push(['a', 'b'])
      }, TypeError)
    }),
  )
})
