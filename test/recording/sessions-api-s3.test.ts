// What the Sessions pane and the CLI call, given an s3:// location, against s3rver on 127.0.0.1 (port 0) reached
// through the environment as a team member sets it: HAR import and export, listing and replay go to the bucket,
// and nothing named s3: appears on disk.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { resetS3Client } from '../../electron/recording/s3-location.ts'
import { listSessionsAt } from '../../electron/recording/session-location.ts'
import { exportSessionHar, importHarFile, replaySession } from '../../electron/recording/sessions-api.ts'
import { toHar } from '../../electron/recording/har-export.ts'
import { response } from '../../electron/core/message.ts'
import { s3Env, startS3 } from '../support/s3-server.ts'
import { exchange, tempDir } from './support.ts'

test('a HAR imported into an s3:// session lands in the bucket, lists, exports with its name and replays, and nothing named s3: appears on disk', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const saved = { ...process.env }
  const cwd = process.cwd()
  try {
    Object.assign(process.env, s3Env(s3.endpoint))
    resetS3Client()
    process.chdir(t.dir)
    const file = join(t.dir, 'in.har')
    await writeFile(
      file,
      JSON.stringify(toHar([exchange({ url: 'http://h.test/one' }), exchange({ url: 'http://h.test/two' })])),
    )
    const imported = await importHarFile(file, 's3://team/imports/two', 'Two requests')
    assert.equal(imported.imported, 2)
    assert.equal(imported.session.dir, 's3://team/imports/two')
    assert.equal(existsSync(join(t.dir, 's3:')), false, 'nothing named s3: on disk')

    const listed = await listSessionsAt('s3://team/imports')
    assert.deepEqual(
      listed.map((s) => [s.dir, s.name, s.source, s.count]),
      [['s3://team/imports/two', 'Two requests', `HAR import of ${file}`, 2]],
    )
    const { har } = await exportSessionHar('s3://team/imports/two')
    assert.equal(har.log.comment, 'Nanoscope session "Two requests"')
    assert.deepEqual(
      har.log.entries.map((e) => e.request.url),
      ['http://h.test/one', 'http://h.test/two'],
    )
    const sent: string[] = []
    const report = await replaySession('s3://team/imports/two', {
      speed: Infinity,
      send: async (req) => {
        sent.push(req.target)
        return response(200, { headers: [['Content-Type', 'text/plain']], body: 'hello' })
      },
    })
    assert.deepEqual(sent, ['http://h.test/one', 'http://h.test/two'])
    assert.equal(report.counts.same, 2)
  } finally {
    process.chdir(cwd)
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
    resetS3Client()
    await s3.stop()
    await t.remove()
  }
})
