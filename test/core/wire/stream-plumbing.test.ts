/**
 * The body plumbing on the hot path: watching a stream as its consumer reads it, piping a body with failures
 * handled both ways, and keeping the first bytes of a body while counting them all.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough, Readable, Writable } from 'node:stream'
import {
  ChunkKeeper,
  observeStream,
  pipeBody,
  PREMATURE_CLOSE,
  prematureClose,
} from '../../../electron/core/wire/stream-plumbing.ts'

function observer() {
  const chunks: string[] = []
  let resolve!: (e: Error | undefined) => void
  const ended = new Promise<Error | undefined>((r) => (resolve = r))
  let endings = 0
  return {
    chunks,
    ended,
    get endings() {
      return endings
    },
    data: (c: Buffer | string) => chunks.push(c.toString()),
    end(e: Error | undefined) {
      endings++
      resolve(e)
    },
  }
}
const watch = (stream: Readable) => {
  const o = observer()
  observeStream(stream, { data: o.data, ended: (e) => o.end(e) })
  return o
}
const tick = () => new Promise((r) => setImmediate(r))

test('a watched stream reports each chunk its consumer reads, then its end, once, to every watcher', async () => {
  const stream = Readable.from([Buffer.from('a'), Buffer.from('bc')])
  const one = watch(stream)
  const two = watch(stream)
  stream.resume()
  assert.equal(await one.ended, undefined)
  assert.equal(await two.ended, undefined)
  assert.deepEqual(one.chunks, ['a', 'bc'])
  assert.deepEqual(two.chunks, ['a', 'bc'])
  await tick()
  assert.equal(one.endings, 1)
})

test('a watched stream that fails reports its error; one destroyed before its end, a premature close', async () => {
  const failing = new PassThrough()
  const f = watch(failing)
  failing.on('error', () => {})
  failing.destroy(new Error('reset'))
  assert.equal((await f.ended)?.message, 'reset')
  await tick()
  assert.equal(f.endings, 1, 'the close after the error is not a second end')

  const cut = new PassThrough()
  const c = watch(cut)
  cut.destroy()
  assert.equal(((await c.ended) as NodeJS.ErrnoException | undefined)?.code, PREMATURE_CLOSE)
})

test('watching a stream already over reports at once: ended, failed with its error, or closed early', async () => {
  const ended = Readable.from(['x'])
  ended.resume()
  await new Promise((r) => ended.once('end', r))
  assert.equal(await watch(ended).ended, undefined)

  const failed = new PassThrough()
  failed.on('error', () => {})
  failed.destroy(new Error('gone wrong'))
  await tick()
  assert.equal((await watch(failed).ended)?.message, 'gone wrong')

  const closed = new PassThrough()
  closed.destroy()
  await tick()
  assert.equal(((await watch(closed).ended) as NodeJS.ErrnoException | undefined)?.code, PREMATURE_CLOSE)
  assert.equal(prematureClose().message, 'Premature close')
})

test('a piped body arrives whole, and a source that fails or closes early is reported once', async () => {
  const source = Readable.from([Buffer.from('he'), Buffer.from('llo')])
  const destination = new PassThrough()
  const failures: Error[] = []
  pipeBody(source, destination, (e) => failures.push(e))
  const got: Buffer[] = []
  for await (const c of destination) got.push(c as Buffer)
  assert.equal(Buffer.concat(got).toString(), 'hello')
  assert.deepEqual(failures, [])

  const broken = new PassThrough()
  const reported: Error[] = []
  pipeBody(broken, new PassThrough(), (e) => reported.push(e))
  broken.destroy(new Error('upstream reset'))
  await tick()
  await tick()
  assert.deepEqual(
    reported.map((e) => e.message),
    ['upstream reset'],
  )

  const cut = new PassThrough()
  const cutReports: Error[] = []
  pipeBody(cut, new PassThrough(), (e) => cutReports.push(e))
  cut.destroy()
  await tick()
  assert.deepEqual(
    cutReports.map((e) => (e as NodeJS.ErrnoException).code),
    [PREMATURE_CLOSE],
  )
})

test('a destination that closes or fails before the body ended stops the source', async () => {
  const source = new PassThrough()
  const destination = new PassThrough()
  pipeBody(source, destination, () => {})
  source.write('part')
  destination.destroy()
  await tick()
  assert.equal(source.destroyed, true)

  const source2 = new PassThrough()
  const failing = new Writable({ write: (_c, _e, cb) => cb(new Error('disk full')) })
  pipeBody(source2, failing, () => {})
  source2.write('x')
  await tick()
  await tick()
  assert.equal(source2.destroyed, true)
})

test('a chunk keeper keeps the first cap bytes, counts them all, and hands back a lone chunk as it is', () => {
  const keeper = new ChunkKeeper(5)
  const first = Buffer.from('abc')
  keeper.keep(first)
  assert.equal(keeper.joined(), first, 'one chunk kept: no copy')
  keeper.keep('défg')
  keeper.keep(Buffer.from('more'))
  assert.equal(keeper.seen, 3 + 5 + 4)
  assert.equal(keeper.joined().toString('latin1'), Buffer.from('abcd\xc3', 'latin1').toString('latin1'))
  const none = new ChunkKeeper(0)
  none.keep(Buffer.from('xyz'))
  assert.equal(none.joined().byteLength, 0)
  assert.equal(none.seen, 3)
})
