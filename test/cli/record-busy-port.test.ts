import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN } from '../support/cli-process.ts'
import { createSession } from '../../electron/recording/session-store.ts'

function record(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'record', ...args], {
    stdio: 'pipe',
    env: { ...process.env, NANOSCOPE_HOME: home },
  })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    }),
  )
}

test('nanoscope record on a busy port exits 1 naming the port and leaves no empty session behind', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'nanoscope-record-busy-'))
  t.after(() => rmSync(home, { recursive: true, force: true }))
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const port = String((blocker.address() as { port: number }).port)

  const named = await record(['--port', port, '--name', 'busy', '--no-intercept'], home)
  assert.equal(named.code, 1)
  assert.match(named.stderr.trim(), new RegExp(`^nanoscope record: .*${port}`))
  const sessions = join(home, 'sessions')
  assert.deepEqual(existsSync(sessions) ? readdirSync(sessions) : [], [], 'no session under the data directory')

  const dir = join(home, 'given')
  assert.equal((await record(['--port', port, '--dir', dir, '--no-intercept'], home)).code, 1)
  assert.equal(existsSync(dir), false, 'no --dir session either')

  const existing = join(home, 'existing')
  await (await createSession(existing, { name: 'kept' })).close()
  assert.equal((await record(['--port', port, '--dir', existing, '--no-intercept'], home)).code, 1)
  assert.ok(existsSync(join(existing, 'session.json')), 'a session that was there before is kept')
})
