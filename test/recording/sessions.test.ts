import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dataDir, sessionsRoot } from '../../electron/recording/data-dir.ts'
import {
  createSession,
  deleteSession,
  listSessions,
  newSessionDir,
  renameSession,
  resolveSession,
} from '../../electron/recording/session-store.ts'
import { exportSessionHar, importHarFile, replaySession } from '../../electron/recording/sessions-api.ts'
import { recordingSwitch } from '../../electron/recording/switches.ts'
import { request, response } from '../../electron/core/message.ts'
import { fixedClock } from '../../electron/core/clock.ts'
import { exchange, tempDir, waitFor } from './support.ts'
import { validateHar } from './har-schema.ts'

test('sessions live under NANOSCOPE_HOME, else the platform data directory', () => {
  assert.equal(dataDir({ env: { NANOSCOPE_HOME: '/custom' }, platform: 'linux', home: '/home/a' }), '/custom')
  assert.equal(dataDir({ env: {}, platform: 'linux', home: '/home/a' }), '/home/a/.local/share/nanoscope')
  assert.equal(dataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', home: '/home/a' }), '/xdg/nanoscope')
  assert.equal(
    dataDir({ env: {}, platform: 'darwin', home: '/Users/a' }),
    '/Users/a/Library/Application Support/Nanoscope',
  )
  assert.equal(
    dataDir({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\a' }),
    'C:\\Users\\a\\AppData\\Roaming\\Nanoscope',
  )
  assert.equal(sessionsRoot({ env: { NANOSCOPE_HOME: '/custom' }, platform: 'linux', home: '/h' }), '/custom/sessions')
})

test('sessions can be listed with name, size, count and dates, renamed, found by name, and deleted', async () => {
  const t = await tempDir()
  try {
    const clock = fixedClock(Date.parse('2025-01-02T03:04:05Z'))
    const first = newSessionDir('My API', clock.now(), t.dir)
    assert.equal(first, join(t.dir, '2025-01-02T03-04-05-my-api'))
    const writer = await createSession(first, { name: 'My API', source: 'test', clock })
    await writer.append(exchange())
    await writer.append(exchange())
    await writer.close()
    await mkdir(join(t.dir, 'not-a-session'))
    await mkdir(join(t.dir, 'broken'))
    await writeFile(join(t.dir, 'broken', 'session.json'), 'nope')
    const list = await listSessions(t.dir)
    const mine = list.find((s) => s.dir === first)!
    assert.equal(mine.name, 'My API')
    assert.equal(mine.count, 2)
    assert.equal(mine.created, '2025-01-02T03:04:05.000Z')
    assert.ok(mine.sizeBytes > 0)
    assert.equal(
      list.some((s) => s.id === 'not-a-session'),
      false,
    )
    assert.match(list.find((s) => s.id === 'broken')!.problem ?? '', /session\.json at byte 0: not valid JSON/)
    assert.equal((await renameSession(first, 'Renamed')).name, 'Renamed')
    assert.equal(await resolveSession('Renamed', t.dir), first)
    await assert.rejects(deleteSession(join(t.dir, 'not-a-session')), /not a Nanoscope session/)
    assert.ok(await stat(join(t.dir, 'not-a-session')))
    await deleteSession(first)
    assert.equal(
      (await listSessions(t.dir)).some((s) => s.dir === first),
      false,
    )
  } finally {
    await t.remove()
  }
})

test('the host can switch recording on and off on a listener, then export, import and replay the session', async () => {
  const t = await tempDir()
  try {
    const recording = recordingSwitch()
    const handler = recording(async (req) =>
      response(200, { headers: [['Content-Type', 'text/plain']], body: `hi ${req.target}` }),
    )
    await handler(request({ target: 'http://h.test/before' }))
    const { dir } = await recording.start({ name: 'switched', root: t.dir, source: 'listener L1' })
    const res = await handler(request({ target: 'http://h.test/during' }))
    assert.deepEqual(res.tags, ['recorded'])
    await waitFor(() => recording.active?.count === 1, 2000, 'one record')
    const info = await recording.stop()
    assert.equal(info?.count, 1)
    assert.equal(info?.source, 'listener L1')
    await handler(request({ target: 'http://h.test/after' }))
    assert.equal(recording.active, undefined)

    const out = join(t.dir, 'x.har')
    const { har } = await exportSessionHar(dir, out)
    assert.deepEqual(validateHar(har), [])
    const copy = join(t.dir, 'copy')
    const imported = await importHarFile(out, copy)
    assert.equal(imported.imported, 1)
    const seen: string[] = []
    const report = await replaySession(copy, {
      send: async (req) => {
        seen.push(req.target)
        return response(200, { headers: [['Content-Type', 'text/plain']], body: 'hi http://h.test/during' })
      },
      speed: Infinity,
    })
    assert.deepEqual(seen, ['http://h.test/during'])
    assert.equal(report.counts.same, 1)
  } finally {
    await t.remove()
  }
})
