/**
 * A finished replay leaves nothing running: its deadline timer is cleared, so a CLI process that replayed exits as
 * soon as the replay ends, not when the deadline would have passed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./replay-child.ts', import.meta.url))
/** Far below the child's two-minute deadline, well above the time to start Node with tsx on a busy machine. */
const EXIT_WITHIN_MS = 20_000

test('a process whose replay finished long before its deadline exits on its own, with no timer left running', async () => {
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode))
      timer = setTimeout(() => resolve('still running'), EXIT_WITHIN_MS)
    })
    assert.match(out, /^replayed 2: /, `the replay ran (stderr: ${err})`)
    assert.equal(code, 0, `the child exited by itself within ${EXIT_WITHIN_MS} ms of starting, after the replay`)
    assert.ok(Date.now() - started < EXIT_WITHIN_MS)
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
})
