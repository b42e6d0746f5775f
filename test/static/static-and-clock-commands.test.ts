import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { runStaticCommand } from '../../electron/cli/static-command.ts'
import { runClockCommand } from '../../electron/cli/clock-command.ts'
import { UsageError } from '../../electron/cli/args.ts'
import { makeTree } from './fixtures.ts'

/** Runs a command, keeping the text it writes to stdout (still passed through, so the test runner is undisturbed). */
async function capturing<T>(t: TestContext, run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  t.mock.method(process.stdout, 'write', (chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === 'string') lines.push(...chunk.split('\n').filter(Boolean)) // the runner's own writes are bytes
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)
  })
  try {
    return { result: await run(), lines }
  } finally {
    t.mock.restoreAll()
  }
}

test('nanoscope static prints where it listens first, serves --dir, and stops cleanly', async (t) => {
  const tree = makeTree()
  t.after(() => tree.remove())
  const { result: running, lines } = await capturing(t, () => runStaticCommand(['--dir', tree.root, '--port', '0']))
  t.after(() => running.stop())
  assert.match(lines[0] ?? '', /^nanoscope static listening on http:\/\/127\.0\.0\.1:\d+$/)
  const url = /listening on (\S+)/.exec(lines[0]!)![1]!
  const res = await fetch(`${url}/notes.txt`, { signal: AbortSignal.timeout(5000) })
  assert.equal(await res.text(), 'hello')
  await running.stop()
})

test('nanoscope static answers 404 for /.env and /.git/config over a socket unless --dotfiles allow', async (t) => {
  const tree = makeTree()
  t.after(() => tree.remove())
  const statuses = async (args: string[]): Promise<number[]> => {
    const { result: running, lines } = await capturing(t, () =>
      runStaticCommand(['--dir', tree.root, '--port', '0', ...args]),
    )
    try {
      const url = /listening on (\S+)/.exec(lines[0]!)![1]!
      return await Promise.all(
        ['/.env', '/.git/config', '/notes.txt'].map(async (p) => {
          const res = await fetch(url + p, { signal: AbortSignal.timeout(5000) })
          await res.arrayBuffer()
          return res.status
        }),
      )
    } finally {
      await running.stop()
    }
  }
  assert.deepEqual(await statuses([]), [404, 404, 200])
  assert.deepEqual(await statuses(['--dotfiles', 'allow']), [200, 200, 200])
  await assert.rejects(
    runStaticCommand(['--dir', tree.root, '--dotfiles', 'maybe']),
    /--dotfiles must be deny or allow/,
  )
})

test('nanoscope static refuses a --dir that is not a folder, and unknown flags, as usage errors', async () => {
  await assert.rejects(runStaticCommand(['--dir', '/definitely/not/here', '--port', '0']), UsageError)
  await assert.rejects(runStaticCommand(['--bogus']), UsageError)
})

test('nanoscope clock prints where it listens first, names the ws:// address second, and ticks at --interval', async (t) => {
  const { result: running, lines } = await capturing(t, () => runClockCommand(['--port', '0', '--interval', '100']))
  t.after(() => running.stop())
  assert.match(lines[0] ?? '', /^nanoscope clock listening on http:\/\/127\.0\.0\.1:\d+$/)
  assert.match(lines[1] ?? '', /ws:\/\/127\.0\.0\.1:\d+\//)
  const ws = new WebSocket(/(ws:\/\/\S+)/.exec(lines[1]!)![1]!)
  t.after(() => ws.terminate())
  const texts: string[] = []
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no two ticks within 3 s')), 3000)
    ws.on('message', (d) => {
      texts.push(d.toString())
      if (texts.length === 2) {
        clearTimeout(timer)
        resolve()
      }
    })
    ws.once('error', reject)
  })
  assert.ok(texts.every((s) => !Number.isNaN(Date.parse(s))))
  await running.stop()
  assert.equal(await closed, 1001, 'stopping tells clients the server is going away')
})

test('nanoscope clock refuses an interval below 1 ms', async () => {
  await assert.rejects(runClockCommand(['--interval', '0']), UsageError)
})
