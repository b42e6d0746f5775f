import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { appendFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeRecord } from '../../electron/recording/record-log.ts'
import {
  LOG_FILE,
  listSessions,
  openSession,
  readManifest,
  sessionInfo,
} from '../../electron/recording/session-store.ts'
import { startUpstream } from '../support/upstream.ts'
import { exchange, tempDir, waitFor } from './support.ts'

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

function startChild(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: 'pipe' })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  )
  return {
    child,
    out: () => out,
    firstLine: async () => {
      await waitFor(() => out.includes('\n'), 15_000, `the child's first line (stderr: ${err})`)
      return out.split('\n')[0]!
    },
    kill: async () => {
      child.kill('SIGKILL')
      return exited
    },
  }
}

test('a recording proxy killed with SIGKILL after some exchanges keeps every exchange it finished', async () => {
  const parent = await tempDir() // listed below: a parent of its own, not the whole temp directory
  const t = { dir: join(parent.dir, 'session') }
  const upstream = await startUpstream((req, res) => res.end(`answer to ${req.url}`))
  const child = startChild(['record', '--dir', t.dir, '--port', '0', '--target', upstream.url])
  try {
    const line = await child.firstLine()
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1]
    assert.ok(url, line)
    for (const [i, path] of ['/one', '/two', '/three'].entries()) {
      const text: string = await (await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) })).text()
      assert.equal(text, `answer to ${path}`)
      // No waiting: a record is in the file before its response has fully left the proxy.
      assert.equal(
        (await sessionInfo(t.dir)).count,
        i + 1,
        `the record of ${path} is on disk as soon as its answer is in`,
      )
    }
    assert.equal(await child.kill(), 'SIGKILL')
    const session = await openSession(t.dir)
    assert.equal(session.torn, undefined)
    assert.deepEqual(
      session.records.map((r) => new URL(r.request.url).pathname),
      ['/one', '/two', '/three'],
    )
    assert.equal((await readManifest(t.dir)).count, 0, 'the manifest count is stale after a kill…')
    assert.equal((await listSessions(parent.dir)).find((s) => s.dir === t.dir)?.count, 3, '…but listing counts the log')
  } finally {
    await child.kill()
    await upstream.stop()
    await parent.remove()
  }
})

test('a writer killed with SIGKILL while flooding the log loses at most the record in flight', async () => {
  const t = await tempDir()
  const child = startChild(['flood', t.dir])
  try {
    await child.firstLine()
    await new Promise((r) => setTimeout(r, 150))
    await child.kill()
    const session = await openSession(t.dir)
    assert.ok(session.records.length >= 1)
    session.records.forEach((r, i) => {
      assert.equal(r.request.url, `http://flood.test/${i}`)
      assert.equal(r.response.body.byteLength, 200 * 1024)
      assert.ok(
        r.response.body.every((b) => b === i % 256),
        `record ${i} is intact`,
      )
    })
    // Whether or not the kill landed inside a write, a half-written record at the end is skipped and reported.
    const file = join(t.dir, LOG_FILE)
    const before = session.torn?.offset ?? (await stat(file)).size
    const half = encodeRecord(exchange({ responseBody: Buffer.alloc(10_000, 1) })).subarray(0, 5000)
    if (!session.torn) await appendFile(file, half)
    const recovered = await openSession(t.dir)
    assert.equal(recovered.records.length, session.records.length)
    assert.ok(recovered.torn, 'the torn record is reported')
    assert.equal(recovered.torn.file, file)
    assert.ok(recovered.torn.offset <= before)
  } finally {
    await child.kill()
    await t.remove()
  }
})
