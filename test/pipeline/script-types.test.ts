import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type * as Public from '../../types/index.d.ts'
import type * as Kernel from '../../electron/core/http.ts'
import type * as Messages from '../../electron/core/message.ts'
import { REPO_ROOT, scriptDir } from './script-fixtures.ts'
import { rig, send } from './fixtures.ts'

// The published types and the kernel's agree, both ways: `npm test`'s type check fails here if one drifts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const agree: [
  Same<Public.Filter, Kernel.Filter>,
  Same<Public.HttpHandler, Kernel.HttpHandler>,
  Same<Public.Request, Messages.Request>,
  Same<Public.Response, Messages.Response>,
  Same<Public.Body, Messages.Body>,
] = [true, true, true, true, true]
void agree

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    noEmit: true,
    types: ['node'],
    skipLibCheck: false,
  },
  include: ['*.ts'],
})

function typeCheck(dir: string): { ok: boolean; output: string } {
  const tsc = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  )
  return { ok: tsc.status === 0, output: `${tsc.stdout}${tsc.stderr}` }
}

test("a user's script importing its types from 'nanoscope' type-checks with tsc in its own folder", (t) => {
  const s = scriptDir()
  t.after(() => s.remove())
  writeFileSync(path.join(s.dir, 'tsconfig.json'), TSCONFIG)
  s.write(
    'trace.ts',
    `import type { Filter, Request } from 'nanoscope'

const trace: Filter = (next) => async (req: Request) => {
  const res = await next({ ...req, headers: [...req.headers, ['x-trace', 'v1']] })
  return { ...res, headers: [...res.headers, ['x-seen-by', 'trace']] }
}
export default trace
`,
  )
  s.write(
    'hello.ts',
    `import { z } from 'zod'
import type { ScriptFilter } from 'nanoscope'

export const options = z.object({ greeting: z.string() })
const hello: ScriptFilter<z.infer<typeof options>> = (_next, { greeting }) => async () =>
  ({ status: 200, reason: 'OK', version: '1.1', headers: [], body: { kind: 'bytes', bytes: new TextEncoder().encode(greeting) } })
export default hello
`,
  )
  const good = typeCheck(s.dir)
  assert.equal(good.ok, true, good.output)
})

test("a script that gets the kernel's shapes wrong fails that type check, naming the mistake", (t) => {
  const s = scriptDir()
  t.after(() => s.remove())
  writeFileSync(path.join(s.dir, 'tsconfig.json'), TSCONFIG)
  s.write(
    'wrong.ts',
    `import type { Filter } from 'nanoscope'

const wrong: Filter = (next) => (req) => next({ ...req, headers: { 'x-trace': 'v1' } })
export default wrong
`,
  )
  const bad = typeCheck(s.dir)
  assert.equal(bad.ok, false)
  assert.match(bad.output, /wrong\.ts\(3,/)
})

test('the README\'s "Write your own filter" example type-checks, loads, and does what it says', async (t) => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Write your own filter'))
  const example = /```ts\n\/\/ filters\/trace\.ts\n([\s\S]*?)```/.exec(section)?.[1]
  const block = /```json\n(\{ "use": "script"[^\n]*)\n```/.exec(section)?.[1]
  assert.ok(example && block, 'the section has a TypeScript example and its block')
  const s = scriptDir()
  t.after(() => s.remove())
  writeFileSync(path.join(s.dir, 'tsconfig.json'), TSCONFIG.replace('"*.ts"', '"filters/*.ts"'))
  s.write('filters/trace.ts', example)
  const checked = typeCheck(s.dir)
  assert.equal(checked.ok, true, checked.output)
  const r = await rig([{ ...JSON.parse(block), match: { path: '/**' } }], { dir: s.dir })
  t.after(() => r.stop())
  const a = await send(r.url, { path: '/x' })
  assert.equal(a.status, 200)
  assert.match(String(a.headers['x-upstream-ms']), /^\d+$/)
  const raw = r.upstream.requests[0]!.rawHeaders
  assert.equal(raw[raw.indexOf('x-trace') + 1], 'v2', 'the tag given in with')
})
