// Sessions on disk at their edges: a log that cannot be read, a session made with no source, the "updated" a
// listing shows when the log was written after the manifest (or before), and a reference that is a path.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readFile, rm, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { createSession, openSession, resolveSession, sessionInfo } from '../../electron/recording/session-store.ts'
import { exchange, tempDir } from './support.ts'

test('a session whose log cannot be read fails naming the log, rather than reading as empty', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 's')
    await (await createSession(dir)).close()
    const log = join(dir, 'exchanges.log')
    await rm(log)
    await mkdir(log)
    await assert.rejects(openSession(dir), (e: Error) => {
      assert.match(e.message, /^.*exchanges\.log at byte 0: cannot read: EISDIR/)
      assert.ok(e.message.startsWith(log), e.message)
      return true
    })
  } finally {
    await t.remove()
  }
})

test('a session created without a source says so with an empty source, not a made-up one', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 's')
    await (await createSession(dir, { name: 'no source' })).close()
    const manifest = JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')) as { source: string; name: string }
    assert.deepEqual([manifest.name, manifest.source], ['no source', ''])
    assert.equal((await sessionInfo(dir)).source, '')
  } finally {
    await t.remove()
  }
})

test("a listed session's updated time is the later of its manifest's and its log's last write", async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 's')
    const writer = await createSession(dir, {
      clock: { now: () => Date.parse('2026-03-01T00:00:00.000Z'), monotonic: () => 0 },
    })
    await writer.append(exchange())
    await writer.close()
    const log = join(dir, 'exchanges.log')
    const later = new Date('2026-05-01T12:00:00.000Z')
    await utimes(log, later, later)
    assert.equal((await sessionInfo(dir)).updated, '2026-05-01T12:00:00.000Z', 'the log was written after the manifest')
    const earlier = new Date('2026-01-01T00:00:00.000Z')
    await utimes(log, earlier, earlier)
    assert.equal((await sessionInfo(dir)).updated, '2026-03-01T00:00:00.000Z', 'the manifest was written last')
  } finally {
    await t.remove()
  }
})

test('a session reference holding a slash is a path as given, even when a session of that name is under the root', async () => {
  const t = await tempDir()
  try {
    const root = join(t.dir, 'sessions')
    await mkdir(join(root, 'team'), { recursive: true })
    await (await createSession(join(root, 'team', 'checkout'))).close()
    assert.equal(await resolveSession('team/checkout', root), 'team/checkout')
    assert.equal(await resolveSession('team\\checkout', root), 'team\\checkout')
    await (await createSession(join(root, 'plain'))).close()
    assert.equal(await resolveSession('plain', root), join(root, 'plain'), 'a bare name is looked up under the root')
  } finally {
    await t.remove()
  }
})

test('a bare name that is a session folder in the working directory is that folder, before a session of that display name under the root', async () => {
  const t = await tempDir()
  const cwd = process.cwd()
  try {
    const root = join(t.dir, 'sessions')
    await (await createSession(join(root, '2026-01-01-other'), { name: 'checkout' })).close()
    const work = join(t.dir, 'work')
    await (await createSession(join(work, 'checkout'))).close()
    process.chdir(work)
    assert.equal(await resolveSession('checkout', root), 'checkout', 'the folder here')
    process.chdir(t.dir)
    assert.equal(await resolveSession('checkout', root), join(root, '2026-01-01-other'), 'else the one named so')
  } finally {
    process.chdir(cwd)
    await t.remove()
  }
})
