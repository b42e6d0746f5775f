import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  compose,
  describe,
  describePipeline,
  pipeline,
  type Filter,
  type HttpHandler,
} from '../../electron/core/http.ts'
import { header, request, response, withHeader } from '../../electron/core/message.ts'

const ok: HttpHandler = async () => response(200, { body: 'ok' })
const tag = (name: string): Filter =>
  describe(`adds ${name}`, (next) =>
    async function tagged(req) {
      return withHeader(await next(withHeader(req, 'X-Trail', name)), 'X-Trail', name)
    })

test('filters compose outermost first on the request and innermost first on the response', async () => {
  const seen: string[] = []
  const spy: HttpHandler = async (req) => {
    seen.push(...req.headers.filter(([n]) => n === 'X-Trail').map(([, v]) => v))
    return ok(req)
  }
  const res = await pipeline([tag('a'), tag('b')], spy)(request({ target: '/' }))
  assert.deepEqual(seen, ['a', 'b'])
  assert.deepEqual(
    res.headers.map(([, v]) => v),
    ['b', 'a'],
  )
})

test('compose(a, b) behaves like applying a then b', async () => {
  const res = await compose(tag('a'), tag('b'))(ok)(request({ target: '/' }))
  assert.deepEqual(
    res.headers.map(([, v]) => v),
    ['b', 'a'],
  )
})

test('a filter is not a thenable, so awaiting or returning one from an async function cannot hang', async () => {
  const f = compose(tag('a'))
  assert.equal('then' in f, false)
  const returned = await (async () => f)()
  assert.equal(returned, f)
})

test('a pipeline explains itself one line per filter', () => {
  assert.deepEqual(describePipeline([tag('a'), tag('b')], 'forwards upstream'), [
    'adds a',
    'adds b',
    'forwards upstream',
  ])
})

test('messages are immutable and keep header order, case and duplicates', () => {
  const req = request({
    target: '/',
    headers: [
      ['X-A', '1'],
      ['x-a', '2'],
      ['Host', 'h'],
    ],
  })
  assert.throws(() => {
    ;(req as { method: string }).method = 'POST'
  })
  const more = withHeader(req, 'X-A', '3')
  assert.deepEqual(req.headers.length, 3)
  assert.deepEqual(
    more.headers.map(([n]) => n),
    ['X-A', 'x-a', 'Host', 'X-A'],
  )
  assert.equal(header(more, 'HOST'), 'h')
})
