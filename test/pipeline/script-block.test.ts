import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rig, send } from './fixtures.ts'
import { scriptDir } from './script-fixtures.ts'
import { until } from '../support/wait.ts'

const ADD_HEADER = (value: string) => `import type { Filter } from 'nanoscope'

const trace: Filter = (next) => (req) => next({ ...req, headers: [...req.headers, ['x-trace', '${value}']] })
export default trace
`

/** The x-trace header values the upstream saw, one per request. */
function traces(upstream: { requests: Array<{ rawHeaders: string[] }> }): (string | undefined)[] {
  return upstream.requests.map((q) => {
    const at = q.rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-trace')
    return at < 0 ? undefined : q.rawHeaders[at + 1]
  })
}

test('a TypeScript script that adds a header has it reach the upstream, for matching requests only', async (t) => {
  const s = scriptDir()
  s.write('filters/trace.ts', ADD_HEADER('v1'))
  const r = await rig([{ use: 'script', file: './filters/trace.ts', match: { path: '/api/**' } }], { dir: s.dir })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  assert.equal((await send(r.url, { path: '/api/items' })).status, 200)
  await send(r.url, { path: '/other' })
  assert.deepEqual(traces(r.upstream), ['v1', undefined])
})

test('saving the script swaps the new version in within two seconds, on the same listener, with no restart', async (t) => {
  const s = scriptDir()
  s.write('trace.ts', ADD_HEADER('v1'))
  const said: string[] = []
  const r = await rig([{ use: 'script', file: 'trace.ts' }], { dir: s.dir, say: (l) => said.push(l) })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  await send(r.url)
  const port = r.listener.server.port
  const saved = Date.now()
  s.write('trace.ts', ADD_HEADER('v2'))
  await until(() => said.some((l) => l.includes('reloaded')), 2000, 'the reload')
  await send(r.url)
  const took = Date.now() - saved
  assert.deepEqual(traces(r.upstream), ['v1', 'v2'])
  assert.equal(r.listener.server.port, port)
  assert.ok(took < 2000, `applied ${took} ms after the save`)
  t.diagnostic(`the new version answered ${took} ms after the save`)
  assert.deepEqual(said, ['script trace.ts: reloaded; new exchanges use the new version'])
})

test('an exchange in flight when the script is saved finishes on the version it began with', async (t) => {
  const s = scriptDir()
  const slow = (tag: string) => `export default (next) => async (req) => {
  if (req.target.endsWith('/slow')) await new Promise((r) => setTimeout(r, 700))
  return next({ ...req, headers: [...req.headers, ['x-trace', '${tag}']] })
}
`
  s.write('slow.mjs', slow('old'))
  const said: string[] = []
  const r = await rig([{ use: 'script', file: 'slow.mjs' }], { dir: s.dir, say: (l) => said.push(l) })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  const inFlight = send(r.url, { path: '/slow' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  s.write('slow.mjs', slow('new'))
  await until(() => said.length > 0, 2000, 'the reload')
  await send(r.url, { path: '/fast' })
  const slowAnswer = await inFlight
  assert.equal(slowAnswer.status, 200)
  assert.ok(slowAnswer.ms >= 650, `the slow exchange took ${slowAnswer.ms} ms, so it was in flight during the save`)
  assert.equal(said.length, 1)
  const byPath = Object.fromEntries(r.upstream.requests.map((q, i) => [q.url, traces(r.upstream)[i]]))
  assert.deepEqual(byPath, { '/fast': 'new', '/slow': 'old' })
})

test('a save that does not load keeps the previous version, says so in one line naming the file, and shows on the block', async (t) => {
  const s = scriptDir()
  s.write('trace.ts', ADD_HEADER('v1'))
  const said: string[] = []
  let changes = 0
  const r = await rig([{ use: 'script', file: 'trace.ts' }], {
    dir: s.dir,
    say: (l) => said.push(l),
    onBlockChange: () => changes++,
  })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  s.write('trace.ts', 'export default (next) => (req => \n')
  await until(() => said.length > 0, 2000, 'the failed reload')
  assert.equal(said.length, 1)
  assert.match(
    said[0]!,
    /^script trace\.ts: not reloaded, the previous version keeps running: .*trace\.ts:\d+:\d+: ERROR: /,
  )
  assert.equal(said[0]!.includes('\n'), false)
  assert.equal(changes, 1)
  assert.match(r.listener.problems[0] ?? '', /not reloaded/)
  assert.equal((await send(r.url)).status, 200)
  assert.deepEqual(traces(r.upstream), ['v1'])

  s.write('trace.ts', 'export const name = "no default"\n')
  await until(() => said.length > 1, 2000, 'the second failed reload')
  assert.match(said[1]!, /^script trace\.ts: not reloaded.*has no default export/)
  s.write('trace.ts', 'export default 42\n')
  await until(() => said.length > 2, 2000, 'the third failed reload')
  assert.match(said[2]!, /default export is a number, not a Filter function/)

  s.write('trace.ts', ADD_HEADER('v3'))
  await until(() => said.length > 3, 2000, 'the good reload')
  assert.equal(r.listener.problems[0], null, 'the block is clear again')
  await send(r.url)
  assert.deepEqual(traces(r.upstream), ['v1', 'v3'])
})

test('a script that throws or rejects costs that exchange a 500 from Nanoscope naming it, and the listener keeps serving', async (t) => {
  const s = scriptDir()
  s.write(
    'flaky.mjs',
    `export const name = 'flaky'
export default (next) => (req) => {
  if (req.target.endsWith('/throw')) throw new Error('kaput')
  if (req.target.endsWith('/reject')) return Promise.reject(new TypeError('nope'))
  if (req.target.endsWith('/nothing')) return undefined
  return next(req)
}
`,
  )
  const r = await rig([{ use: 'script', file: 'flaky.mjs' }], { dir: s.dir })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  const thrown = await send(r.url, { path: '/throw' })
  assert.equal(thrown.status, 500)
  assert.equal(thrown.headers['x-nanoscope-generated'], 'internal')
  assert.equal(thrown.body.toString(), 'script "flaky" (flaky.mjs) failed: kaput\n')
  const rejected = await send(r.url, { path: '/reject' })
  assert.equal(rejected.status, 500)
  assert.match(rejected.body.toString(), /flaky\.mjs\) failed: nope/)
  const nothing = await send(r.url, { path: '/nothing' })
  assert.equal(nothing.status, 500)
  assert.match(nothing.body.toString(), /answered undefined, not a response/)
  const fine = await send(r.url, { path: '/fine' })
  assert.equal(fine.status, 200)
  assert.equal(fine.body.toString(), 'upstream saw GET /fine 0')
})

test('a script that never answers is cut by its timeout with a 504 from Nanoscope', async (t) => {
  const s = scriptDir()
  s.write('hang.js', 'export default (next) => (req) => new Promise(() => {})\n')
  const r = await rig([{ use: 'script', file: 'hang.js', timeoutMs: 300 }], { dir: s.dir })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  const a = await send(r.url, { timeoutMs: 5000 })
  assert.equal(a.status, 504)
  assert.equal(a.headers['x-nanoscope-generated'], 'timeout')
  assert.equal(a.body.toString(), 'script hang.js did not answer within 300 ms\n')
  assert.ok(a.ms >= 290 && a.ms < 2000, `cut after ${a.ms} ms`)
  assert.equal(r.upstream.requests.length, 0)
})

test('a script may answer itself with a response it made, and get its options from with, checked by its zod schema', async (t) => {
  const s = scriptDir()
  s.write(
    'hello.ts',
    `import { z } from 'zod'
import type { ScriptFilter } from 'nanoscope'

export const name = 'hello'
export const options = z.object({ greeting: z.string(), status: z.number().int().default(203) })

const hello: ScriptFilter<z.infer<typeof options>> = (_next, { greeting, status }) => async () =>
  ({ status, headers: [['Content-Type', 'text/plain']], body: greeting })
export default hello
`,
  )
  const r = await rig([{ use: 'script', file: 'hello.ts', with: { greeting: 'hi there' } }], { dir: s.dir })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  const a = await send(r.url)
  assert.equal(a.status, 203)
  assert.equal(a.body.toString(), 'hi there')
  assert.equal(r.upstream.requests.length, 0)
  await assert.rejects(
    rig([{ use: 'script', file: 'hello.ts', with: { greeting: 7 } }], { dir: s.dir }),
    /^Error: script hello\.ts: with\.greeting: Invalid input: expected string, received number$/,
  )
})

test('a script that does not load stops the listener from starting, naming the file and why', async (t) => {
  const s = scriptDir()
  t.after(() => s.remove())
  s.write('broken.ts', 'export default (next => \n')
  await assert.rejects(
    rig([{ use: 'script', file: 'broken.ts' }], { dir: s.dir }),
    /^Error: script broken\.ts: .*ERROR/,
  )
  s.write('throws.js', 'throw new Error("cannot start")\n')
  await assert.rejects(
    rig([{ use: 'script', file: 'throws.js' }], { dir: s.dir }),
    /^Error: script throws\.js: cannot start$/,
  )
  await assert.rejects(rig([{ use: 'script', file: 'missing.ts' }], { dir: s.dir }), /file: no file at .*missing\.ts/)
  await assert.rejects(
    rig([{ use: 'script', file: 'filter.py' }], { dir: s.dir }),
    /file: must end in \.ts, \.mts, \.js, \.mjs/,
  )
})

test('an .mts script and the file it imports are both read afresh when the script is saved', async (t) => {
  const s = scriptDir()
  s.write('tag-value.ts', "export const value: string = 'first'\n")
  const script = `import { value } from './tag-value.ts'\nexport default (next: (r: any) => Promise<any>) => (req: any) => next({ ...req, headers: [...req.headers, ['x-trace', value]] })\n`
  s.write('tag.mts', script)
  const said: string[] = []
  const r = await rig([{ use: 'script', file: 'tag.mts' }], { dir: s.dir, say: (l) => said.push(l) })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  await send(r.url)
  s.write('tag-value.ts', "export const value: string = 'second'\n")
  s.write('tag.mts', `${script}// saved again\n`)
  await until(() => said.length > 0, 2000, 'the reload')
  await send(r.url)
  assert.deepEqual(traces(r.upstream), ['first', 'second'])
})

test('a script that sets a header value Node will not send gets a 500 saying the request could not be sent, and the upstream sees nothing', async (t) => {
  const s = scriptDir()
  s.write('bad.ts', ADD_HEADER('a\\r\\nInjected: yes'))
  const r = await rig([{ use: 'script', file: 'bad.ts' }], { dir: s.dir })
  t.after(async () => {
    await r.stop()
    s.remove()
  })
  const res = await send(r.url, { path: '/x' })
  assert.equal(res.status, 500)
  assert.match(
    res.body.toString(),
    /^the request could not be sent to 127\.0\.0\.1:\d+ as it stands, and nothing was sent: .*x-trace.* \(ERR_INVALID_CHAR\)\n$/,
  )
  assert.equal(r.upstream.requests.length, 0)
})
