import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fixedClock } from '../../electron/core/clock.ts'
import { bodyText, request, response } from '../../electron/core/message.ts'
import { encodeRecord } from '../../electron/recording/record-log.ts'
import { LOG_FILE, MANIFEST_FILE, openSession } from '../../electron/recording/session-store.ts'
import { recordingSwitch } from '../../electron/recording/switches.ts'
import { exchange, tempDir } from './support.ts'

const get = (path: string) => request({ target: `http://h.test${path}`, headers: [['Host', 'h.test']] })

test('the recording switch records only while on, into the session it names, and says what it is recording', async () => {
  const t = await tempDir()
  try {
    const clock = fixedClock(Date.parse('2025-02-03T04:05:06.000Z'))
    const sw = recordingSwitch({ clock })
    const handler = sw(async (req) => response(200, { body: `answer to ${req.target}` }))
    assert.equal(sw.active, undefined)
    assert.equal(await sw.stop(), undefined, 'stopping when off is nothing')
    await handler(get('/before'))
    const started = await sw.start({ root: t.dir, name: 'My Run', source: 'a test' })
    const dir = join(t.dir, '2025-02-03T04-05-06-my-run')
    assert.deepEqual(started, { dir })
    const res = await handler(get('/during'))
    assert.equal(await bodyText(res.body), 'answer to http://h.test/during')
    assert.deepEqual(res.tags, ['recorded'])
    await new Promise((r) => setImmediate(r))
    assert.deepEqual(sw.active, { dir, count: 1, failures: 0 })
    const info = await sw.stop()
    assert.equal(info?.count, 1)
    assert.equal(info?.name, 'My Run')
    assert.equal(info?.source, 'a test')
    assert.equal(sw.active, undefined)
    const after = await handler(get('/after'))
    assert.equal(after.tags, undefined, 'off again: not recorded')
    const session = await openSession(dir)
    assert.deepEqual(
      session.records.map((r) => r.request.url),
      ['http://h.test/during'],
    )
    assert.equal(session.records[0]!.startedAt, Date.parse('2025-02-03T04:05:06.000Z'), 'timed by the clock given')
  } finally {
    await t.remove()
  }
})

test('starting again closes the session being recorded and opens the new one', async () => {
  const t = await tempDir()
  try {
    const sw = recordingSwitch()
    const handler = sw(async () => response(204))
    await sw.start({ dir: join(t.dir, 'one') })
    await handler(get('/1'))
    await sw.start({ dir: join(t.dir, 'two') })
    assert.equal(sw.active?.dir, join(t.dir, 'two'))
    await handler(get('/2'))
    await handler(get('/3'))
    await sw.stop()
    const one = JSON.parse(await readFile(join(t.dir, 'one', MANIFEST_FILE), 'utf8')) as { count: number; name: string }
    assert.deepEqual([one.count, one.name], [1, 'one'], 'the first was closed with its count')
    assert.equal((await openSession(join(t.dir, 'two'))).records.length, 2)
  } finally {
    await t.remove()
  }
})

test('starting on a session whose last record was torn says what was cut off, and records after it', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 's')
    const sw = recordingSwitch()
    await sw.start({ dir })
    await sw(async () => response(200))(get('/1'))
    await sw.stop()
    const whole = (await readFile(join(dir, LOG_FILE))).byteLength
    await appendFile(join(dir, LOG_FILE), encodeRecord(exchange()).subarray(0, 20))
    const started = await sw.start({ dir })
    assert.equal(started.dir, dir)
    assert.deepEqual(started.torn && { offset: started.torn.offset, bytes: started.torn.bytes }, {
      offset: whole,
      bytes: 20,
    })
    assert.equal(sw.active?.count, 1)
    await sw.stop()
  } finally {
    await t.remove()
  }
})

test('the onSkip given to the recording switch hears what its recording skips', async () => {
  const t = await tempDir()
  try {
    const skipped: string[] = []
    const sw = recordingSwitch({ onSkip: (why) => skipped.push(why) })
    const handler = sw(async () => response(200, { body: 'ok' }))
    await sw.start({ dir: join(t.dir, 's') })
    await handler(request({ method: 'CONNECT', target: 'h.test:443' }))
    assert.deepEqual(skipped, ['CONNECT h.test:443: tunnels are not recorded'])
    await sw.stop()
  } finally {
    await t.remove()
  }
})
