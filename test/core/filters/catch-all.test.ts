import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bodyText, request, response } from '../../../electron/core/message.ts'
import { catchAll } from '../../../electron/core/filters/catch-all.ts'

test('catchAll turns a thrown error into a generated 500 that says what failed', async () => {
  const res = await catchAll()(async () => {
    throw new Error('the disk is full')
  })(request({ target: '/' }))
  assert.equal(res.status, 500)
  assert.deepEqual(res.generated, { cause: 'internal', message: 'Nanoscope failed: the disk is full' })
  assert.equal(await bodyText(res.body), 'Nanoscope failed: the disk is full\n')
})

test('catchAll copes with something thrown that is not an Error', async () => {
  const res = await catchAll()(async () => {
    throw 'a string'
  })(request({ target: '/' }))
  assert.equal(res.generated?.message, 'Nanoscope failed: a string')
})

test('catchAll passes a response through untouched', async () => {
  const ok = response(200)
  assert.equal(await catchAll()(async () => ok)(request({ target: '/' })), ok)
})
