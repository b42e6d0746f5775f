import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fixedClock } from '../../electron/core/clock.ts'
import { encodeRecord, SessionError } from '../../electron/recording/record-log.ts'
import {
  createSession,
  deleteSession,
  listSessions,
  LOG_FILE,
  MANIFEST_FILE,
  newSessionDir,
  parseManifest,
  readManifest,
  renameSession,
  resolveSession,
  sessionInfo,
} from '../../electron/recording/session-store.ts'
import { sessionsRoot } from '../../electron/recording/data-dir.ts'
import { exchange, tempDir } from './support.ts'

const manifest = (fields: Record<string, unknown>) =>
  JSON.stringify({ format: 'nanoscope-session', version: 1, ...fields })

test('a manifest is filled in from defaults: the folder name, an updated time of created, no source, no records', () => {
  assert.deepEqual(parseManifest(manifest({}), 'm.json', 'folder'), {
    format: 'nanoscope-session',
    version: 1,
    name: 'folder',
    created: '',
    updated: '',
    source: '',
    count: 0,
  })
  assert.deepEqual(
    parseManifest(manifest({ name: 'shop', created: 'c', source: 's', count: 3, extra: true }), 'm.json', 'folder'),
    { format: 'nanoscope-session', version: 1, name: 'shop', created: 'c', updated: 'c', source: 's', count: 3 },
  )
  assert.equal(parseManifest(manifest({ created: 'c', updated: 'u' }), 'm.json', 'f').updated, 'u')
})

test('a manifest that is not JSON, not ours or another version is an error naming the file, and the byte where JSON broke', () => {
  const problem = (text: string) => {
    try {
      parseManifest(text, '/s/session.json', 'f')
    } catch (error) {
      assert.ok(error instanceof SessionError)
      return [error.file, error.offset, error.problem]
    }
    assert.fail('no error')
  }
  const [file, offset, why] = problem('{"é": 1,,}')!
  assert.equal(file, '/s/session.json')
  assert.equal(offset, 9, 'bytes, not characters, before the break')
  assert.match(String(why), /^not valid JSON \(/)
  assert.deepEqual(problem('{"format": "other", "version": 1}'), [
    '/s/session.json',
    0,
    'not a Nanoscope session manifest (no "format": "nanoscope-session")',
  ])
  assert.deepEqual(problem('null'), [
    '/s/session.json',
    0,
    'not a Nanoscope session manifest (no "format": "nanoscope-session")',
  ])
  assert.deepEqual(problem(manifest({ version: 2 })), [
    '/s/session.json',
    0,
    'session format version 2 is not supported (this Nanoscope reads version 1)',
  ])
  assert.deepEqual(problem('{"format": "nanoscope-session"}'), [
    '/s/session.json',
    0,
    'session format version undefined is not supported (this Nanoscope reads version 1)',
  ])
})

test('a missing manifest, or a session path that is a file, is said in words', async () => {
  const t = await tempDir()
  try {
    await assert.rejects(
      readManifest(t.dir),
      (e: Error) =>
        e.message ===
        `${join(t.dir, MANIFEST_FILE)} at byte 0: does not exist, so this directory is not a Nanoscope session`,
    )
    await writeFile(join(t.dir, 'plain'), 'x')
    await assert.rejects(
      readManifest(join(t.dir, 'plain')),
      (e: Error) =>
        e.message ===
        `${join(t.dir, 'plain', MANIFEST_FILE)} at byte 0: cannot exist: the session path is not a directory`,
    )
    await mkdir(join(t.dir, 'odd', MANIFEST_FILE), { recursive: true })
    await assert.rejects(readManifest(join(t.dir, 'odd')), /at byte 0: cannot be read: /)
  } finally {
    await t.remove()
  }
})

test('a new session is named after its folder, timed by the clock, and a reopened one keeps its manifest unless renamed', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 'my-run')
    const clock = fixedClock(Date.parse('2025-01-31T12:00:00.000Z'))
    const writer = await createSession(dir, { clock, source: 'a test' })
    assert.equal(writer.description, `records each exchange to the session in ${dir}`)
    assert.equal(writer.count, 0)
    assert.equal(writer.failures, 0)
    assert.equal(writer.lastError, undefined)
    assert.equal('torn' in writer, false)
    await writer.append(exchange())
    clock.advance(60_000)
    const info = await writer.close()
    assert.equal(await writer.close(), info, 'closing again gives the same answer')
    await assert.rejects(writer.append(exchange()), (e: Error) => e.message === `the session in ${dir} is closed`)
    let told: Error | undefined
    writer.enqueue!(exchange(), (error) => {
      told = error
    })
    assert.equal(told?.message, `the session in ${dir} is closed`)
    assert.deepEqual(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')), {
      format: 'nanoscope-session',
      version: 1,
      name: 'my-run',
      created: '2025-01-31T12:00:00.000Z',
      updated: '2025-01-31T12:01:00.000Z',
      source: 'a test',
      count: 1,
    })
    const again = await createSession(dir, { clock })
    assert.equal(again.count, 1)
    await again.close()
    assert.equal((await readManifest(dir)).name, 'my-run')
    const renamed = await createSession(dir, { name: 'renamed', clock })
    await renamed.append(exchange())
    await renamed.close()
    const m = await readManifest(dir)
    assert.deepEqual([m.name, m.count, m.source, m.created], ['renamed', 2, 'a test', '2025-01-31T12:00:00.000Z'])
  } finally {
    await t.remove()
  }
})

test('recording into a folder that holds other files is refused, naming the missing manifest', async () => {
  const t = await tempDir()
  try {
    await writeFile(join(t.dir, 'notes.txt'), 'mine')
    await assert.rejects(
      createSession(t.dir),
      (e: Error) =>
        e instanceof SessionError &&
        e.message ===
          `${join(t.dir, MANIFEST_FILE)} at byte 0: does not exist, and the directory is not empty: choose an empty or new directory for a session`,
    )
  } finally {
    await t.remove()
  }
})

test('a listing counts records by their frame lines, sizes the folder, and says what is torn or damaged', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 's')
    const writer = await createSession(dir, { clock: fixedClock(Date.parse('2025-01-01T00:00:00Z')) })
    for (let i = 0; i < 3; i++) await writer.append(exchange({ responseBody: 'x'.repeat(70_000 * i) }))
    await writer.close()
    const info = await sessionInfo(dir)
    const log = join(dir, LOG_FILE)
    const sizes = (await stat(log)).size + (await stat(join(dir, MANIFEST_FILE))).size
    assert.equal(info.count, 3)
    assert.equal(info.sizeBytes, sizes)
    assert.equal(info.id, 's')
    assert.equal(info.created, '2025-01-01T00:00:00.000Z')
    assert.equal(info.problem, undefined)
    assert.ok(Date.parse(info.updated) >= Date.parse('2025-01-01T00:00:00Z'))
    const whole = (await stat(log)).size
    await appendFile(log, encodeRecord(exchange()).subarray(0, 30))
    assert.deepEqual(
      [(await sessionInfo(dir)).count, (await sessionInfo(dir)).problem],
      [3, `the last record (at byte ${whole} of ${log}) is torn and will be skipped`],
    )
    await truncate(log, whole)
    await appendFile(log, 'stray bytes\n')
    const damaged = await sessionInfo(dir)
    assert.equal(damaged.count, 3)
    assert.match(
      damaged.problem!,
      new RegExp(`^${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at byte ${whole}: expected a record frame line`),
    )
    await writeFile(log, encodeRecord(exchange()).subarray(0, 3))
    assert.equal((await sessionInfo(dir)).problem, `the last record (at byte 0 of ${log}) is torn and will be skipped`)
  } finally {
    await t.remove()
  }
})

test('sessions are listed newest first; a folder that is no session is left out, and one with a damaged manifest is shown with its problem', async () => {
  const t = await tempDir()
  try {
    for (const [name, when] of [
      ['old', '2024-01-01T00:00:00Z'],
      ['new', '2025-06-01T00:00:00Z'],
      ['mid', '2025-01-01T00:00:00Z'],
    ] as const) {
      const w = await createSession(join(t.dir, name), { clock: fixedClock(Date.parse(when)) })
      await w.close()
    }
    await mkdir(join(t.dir, 'not-a-session'))
    await writeFile(join(t.dir, 'a-file'), 'x')
    await mkdir(join(t.dir, 'broken'))
    await writeFile(join(t.dir, 'broken', MANIFEST_FILE), '{')
    const listed = await listSessions(t.dir)
    assert.deepEqual(
      listed.map((s) => s.id),
      ['new', 'mid', 'old', 'broken'],
    )
    const broken = listed[3]!
    assert.deepEqual(
      { ...broken, problem: undefined },
      {
        dir: join(t.dir, 'broken'),
        id: 'broken',
        name: 'broken',
        created: '',
        updated: '',
        source: '',
        count: 0,
        sizeBytes: 0,
        problem: undefined,
      },
    )
    assert.match(broken.problem!, /session\.json at byte 1: not valid JSON/)
    assert.deepEqual(await listSessions(join(t.dir, 'nowhere')), [])
  } finally {
    await t.remove()
  }
})

test('renaming changes only the display name, never to nothing; deleting refuses a folder that is not a session', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 'keep')
    await (await createSession(dir)).close()
    await assert.rejects(renameSession(dir, '  '), (e: Error) => e.message === 'a session name cannot be empty')
    const info = await renameSession(dir, 'Shop checkout')
    assert.deepEqual([info.name, info.id], ['Shop checkout', 'keep'])
    const other = join(t.dir, 'precious')
    await mkdir(other)
    await writeFile(join(other, 'data'), 'x')
    await assert.rejects(deleteSession(other), SessionError)
    assert.equal((await stat(join(other, 'data'))).size, 1)
    await deleteSession(dir)
    await assert.rejects(stat(dir))
  } finally {
    await t.remove()
  }
})

test('a new session folder is the time to the second and a slug of the name', () => {
  const now = Date.parse('2025-01-31T12:34:56.789Z')
  assert.equal(newSessionDir('Shop: Checkout!! (v2)', now, '/root'), '/root/2025-01-31T12-34-56-shop-checkout-v2')
  assert.equal(newSessionDir(undefined, now, '/root'), '/root/2025-01-31T12-34-56')
  assert.equal(newSessionDir('---', now, '/root'), '/root/2025-01-31T12-34-56')
  assert.equal(newSessionDir('a'.repeat(50), now, '/root'), `/root/2025-01-31T12-34-56-${'a'.repeat(40)}`)
})

test('a session is found by path, by folder name under the root, or by display name; anything else is given back', async () => {
  const t = await tempDir()
  try {
    const root = join(t.dir, 'sessions')
    const dir = join(root, '2025-01-01T00-00-00-shop')
    await (await createSession(dir, { name: 'Shop' })).close()
    assert.equal(await resolveSession('2025-01-01T00-00-00-shop', root), dir)
    assert.equal(await resolveSession('Shop', root), dir)
    assert.equal(await resolveSession('./x', root), './x')
    assert.equal(await resolveSession('a/b', root), 'a/b')
    assert.equal(await resolveSession('a\\b', root), 'a\\b')
    assert.equal(await resolveSession('.hidden', root), '.hidden')
    assert.equal(await resolveSession('unknown', root), 'unknown')
  } finally {
    await t.remove()
  }
})

test('on Windows the sessions folder is joined with a backslash under the data directory', () => {
  assert.equal(
    sessionsRoot({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\a' }),
    'C:\\Users\\a\\AppData\\Roaming\\Nanoscope\\sessions',
  )
  assert.equal(sessionsRoot({ env: {}, platform: 'linux', home: '/home/a' }), '/home/a/.local/share/nanoscope/sessions')
})
