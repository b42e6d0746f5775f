/**
 * The first-run UI build, without a real multi-second Vite build: `process.execPath` (the Node the build is run with)
 * is pointed at a small shell script that writes down how it was started (its folder, where its stdin, stdout and
 * stderr go, its arguments) and exits with the status the test asks for.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureRendererBuilt } from '../../electron/web/renderer-build.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const onLinux = process.platform === 'linux'

const FAKE_NODE = `#!/bin/sh
stdin=$(readlink /proc/$$/fd/0)
stdout=$(readlink /proc/$$/fd/1)
stderr=$(readlink /proc/$$/fd/2)
printf '%s\\n' "$(pwd -P)" "$stdin" "$stdout" "$stderr" "$@" > "$NANOSCOPE_FAKE_BUILD_RECORD"
[ "$NANOSCOPE_FAKE_BUILD_EXIT" = signal ] && kill -TERM $$
exit "$NANOSCOPE_FAKE_BUILD_EXIT"
`

interface Build {
  /** What the fake Node wrote down, or undefined when it never ran. */
  readonly record: { cwd: string; stdin: string; stdout: string; stderr: string; args: string[] } | undefined
  /** What went through process.stderr.write. */
  readonly said: string[]
  readonly error: Error | undefined
}

/** Runs ensureRendererBuilt on a fresh folder (with an index.html when `built`), in another working folder. */
async function build(t: { after(fn: () => void): void }, built: boolean, exit: string): Promise<Build> {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-ui-build-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const staticDir = join(dir, 'ui')
  const fake = join(dir, 'fake-node.sh')
  const recordFile = join(dir, 'record.txt')
  writeFileSync(fake, FAKE_NODE)
  chmodSync(fake, 0o755)
  mkdirSync(staticDir)
  if (built) writeFileSync(join(staticDir, 'index.html'), '<p>ui</p>')
  const said: string[] = []
  const saved = {
    execPath: process.execPath,
    write: process.stderr.write,
    cwd: process.cwd(),
    record: process.env.NANOSCOPE_FAKE_BUILD_RECORD,
    exit: process.env.NANOSCOPE_FAKE_BUILD_EXIT,
  }
  process.execPath = fake
  process.env.NANOSCOPE_FAKE_BUILD_RECORD = recordFile
  process.env.NANOSCOPE_FAKE_BUILD_EXIT = exit
  process.stderr.write = ((chunk: string | Uint8Array) => {
    said.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  process.chdir(dir)
  let error: Error | undefined
  try {
    await ensureRendererBuilt(staticDir)
  } catch (e) {
    error = e as Error
  } finally {
    process.chdir(saved.cwd)
    process.stderr.write = saved.write
    process.execPath = saved.execPath
    restoreEnv('NANOSCOPE_FAKE_BUILD_RECORD', saved.record)
    restoreEnv('NANOSCOPE_FAKE_BUILD_EXIT', saved.exit)
  }
  if (!existsSync(recordFile)) return { record: undefined, said, error }
  const [cwd = '', stdin = '', stdout = '', stderr = '', ...args] = readFileSync(recordFile, 'utf8').split('\n')
  return { record: { cwd, stdin, stdout, stderr, args: args.slice(0, -1) }, said, error }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

test('a UI folder that already has its index.html is served as it is, with no build and nothing said', async (t) => {
  const started = performance.now()
  const { record, said, error } = await build(t, true, '0')
  assert.equal(error, undefined)
  assert.equal(record, undefined, 'no build ran')
  assert.deepEqual(said, [])
  assert.ok(performance.now() - started < 1000, 'no build ran')
})

test('a UI folder with no index.html is built once with Vite from the project folder, saying so first', {
  skip: !onLinux && 'reads /proc',
}, async (t) => {
  const { record, said, error } = await build(t, false, '0')
  assert.equal(error, undefined)
  assert.deepEqual(said, ['building the UI (first run only)…\n'])
  assert.ok(record, 'the build ran')
  assert.equal(record.cwd, realpathSync(ROOT), 'run from the project folder, whatever the working folder')
  assert.deepEqual(record.args, [
    join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn',
  ])
  assert.ok(existsSync(join(ROOT, record.args[3]!)), 'the config it names is there')
})

test('the UI build reads nothing, prints nothing of its own, and passes its warnings to our stderr', {
  skip: !onLinux && 'reads /proc',
}, async (t) => {
  const { record } = await build(t, false, '0')
  assert.ok(record, 'the build ran')
  assert.equal(record.stdin, '/dev/null')
  assert.equal(record.stdout, '/dev/null')
  assert.equal(record.stderr, readlinkSync('/proc/self/fd/2'))
})

test('a UI build that fails, or is killed, is an error that says how to see why', async (t) => {
  for (const exit of ['1', 'signal']) {
    const { record, error } = await build(t, false, exit)
    assert.ok(record, `the build ran (${exit})`)
    assert.equal(error?.message, 'building the UI failed; run `npm run build` to see why', exit)
  }
})
