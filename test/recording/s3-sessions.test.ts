import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createSession } from '../../electron/recording/session-store.ts'
import { startUpstream } from '../support/upstream.ts'
import { until } from '../support/wait.ts'
import { s3Env, startS3 } from '../support/s3-server.ts'
import { exchange, tempDir } from './support.ts'
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createS3Session, openS3Session } from '../../electron/recording/s3-session-store.ts'
import { BINARY, cli, send } from './s3-cli-support.ts'

test('a session recorded through the proxy to s3:// is replayed, stood in for, and exported from the bucket, and nothing named s3: appears on disk', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const upstream = await startUpstream((req, res, body) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`${req.method} ${req.url} ${body.byteLength}`)
  })
  const second = await startUpstream((req, res, body) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`${req.method} ${req.url} ${body.byteLength}`)
  })
  const work = join(t.dir, 'work')
  await mkdir(work)
  const env = s3Env(s3.endpoint)
  const session = 's3://team/shared/checkout'
  try {
    const record = cli(['record', '--dir', session, '--port', '0', '--target', upstream.url], env, work)
    const line = await record.firstLine()
    const proxy = /listening on (http:\/\/\S+)/.exec(line)?.[1]
    assert.ok(proxy, `record did not start: ${line} ${record.err()}`)
    assert.equal((await send(`${proxy}/a?x=1`)).body.toString(), 'GET /a?x=1 0')
    assert.equal(
      (await send(`${proxy}/b`, 'POST', BINARY, { 'Content-Type': 'application/octet-stream' })).body.toString(),
      'POST /b 6',
    )
    assert.equal((await send(`${proxy}/c`, 'DELETE')).status, 200)
    record.child.kill('SIGTERM')
    assert.equal(await record.exit, 0, record.err())
    assert.match(record.err(), /recorded 3 exchanges to s3:\/\/team\/shared\/checkout/)

    const replay = cli(['replay', '--session', session, '--target', second.url, '--speed', 'max', '--json'], env, work)
    assert.equal(await replay.exit, 0, `${replay.err()}\n${replay.out()}`)
    const report = JSON.parse(replay.out()) as { total: number; counts: { same: number } }
    assert.deepEqual([report.total, report.counts.same], [3, 3], 'the second server answers as the first did')
    assert.deepEqual(
      second.requests.map((r) => `${r.method} ${r.url}`),
      ['GET /a?x=1', 'POST /b', 'DELETE /c'],
      'the same requests in the same order',
    )
    assert.deepEqual(second.requests[1]!.body, BINARY, 'the same body bytes')

    const standin = cli(['standin', '--session', session, '--port', '0', '--no-intercept'], env, work)
    const standinUrl = /listening on (http:\/\/\S+)/.exec(await standin.firstLine())?.[1]
    assert.ok(standinUrl, standin.err())
    assert.equal(
      (await send(`${standinUrl}/a?x=1`)).body.toString(),
      'GET /a?x=1 0',
      'answered from the recording in the bucket',
    )
    standin.child.kill('SIGTERM')
    await standin.exit

    const har = cli(['har', 'export', '--session', session, '--out', join(t.dir, 'out.har')], env, work)
    assert.equal(await har.exit, 0, har.err())
    const entries = (
      JSON.parse(await readFile(join(t.dir, 'out.har'), 'utf8')) as {
        log: { entries: Array<{ request: { url: string } }> }
      }
    ).log.entries
    assert.deepEqual(
      entries.map((e) => new URL(e.request.url).pathname),
      ['/a', '/b', '/c'],
    )

    const imported = cli(['har', 'import', join(t.dir, 'out.har'), '--dir', 's3://team/shared/imported'], env, work)
    assert.equal(await imported.exit, 0, imported.err())
    assert.match(imported.out(), /imported 3 entries into s3:\/\/team\/shared\/imported/)

    const list = cli(['sessions', 'list', 's3://team/shared'], env, work)
    assert.equal(await list.exit, 0, list.err())
    assert.match(
      list.out(),
      /^s3:\/\/team\/shared\/checkout {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}3 exchanges {2}\d+(\.\d)? (B|KiB)$/m,
    )
    const json = cli(['sessions', 'list', 's3://team/shared', '--json'], env, work)
    assert.equal(await json.exit, 0, json.err())
    assert.deepEqual(
      (JSON.parse(json.out()) as Array<{ dir: string; count: number }>).map((x) => [x.dir, x.count]).sort(),
      [
        [session, 3],
        ['s3://team/shared/imported', 3],
      ],
    )
    const local = join(t.dir, 'local')
    await (await createSession(join(local, 'mine'), { name: 'mine' })).close()
    const localList = cli(['sessions', 'list', local], env, work)
    assert.equal(await localList.exit, 0, localList.err())
    assert.match(localList.out(), /local\/mine {2}\S+ {2}0 exchanges {2}\d+ B\n$/)

    const k6 = cli(['export', 'k6', '--session', session, '--out', join(t.dir, 'load.js')], env, work)
    assert.equal(await k6.exit, 0, k6.err())

    assert.deepEqual(await readdir(work), [], 'nothing is made in the working directory, no "s3:" folder above all')
  } finally {
    await upstream.stop()
    await second.stop()
    await s3.stop()
    await t.remove()
  }
})

test("a pipeline's record block records to s3:// as it does to a folder", async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const upstream = await startUpstream()
  const env = s3Env(s3.endpoint)
  try {
    const file = join(t.dir, 'pipeline.json')
    await writeFile(
      file,
      JSON.stringify({
        listeners: [
          { name: 'api', port: 0, target: upstream.url, pipeline: [{ use: 'record', dir: 's3://team/blocks/api' }] },
        ],
      }),
    )
    const run = cli(['run', '--no-watch', file], env, t.dir)
    const proxy = /listening on (http:\/\/\S+)/.exec(await run.firstLine())?.[1]
    assert.ok(proxy, run.err())
    // stderr and stdout are separate pipes: the notice may arrive just after the listening line.
    await until(
      () => /recording to s3:\/\/team\/blocks\/api/.test(run.err()),
      5000,
      'the record block says where it records',
    ).catch(() => undefined)
    assert.match(run.err(), /recording to s3:\/\/team\/blocks\/api/)
    await send(`${proxy}/via-block`)
    run.child.kill('SIGTERM')
    assert.equal(await run.exit, 0, run.err())
    const har = cli(['har', 'export', '--session', 's3://team/blocks/api'], env, t.dir)
    assert.equal(await har.exit, 0, har.err())
    assert.match(har.out(), /via-block/)
    assert.deepEqual(
      (await readdir(t.dir)).sort(),
      ['bucket-store', 'pipeline.json'],
      'no folder made beside the pipeline file',
    )
  } finally {
    await upstream.stop()
    await s3.stop()
    await t.remove()
  }
})

test('a session missing a segment of its log is refused, naming the missing segment, and a torn last segment is recovered', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
  try {
    const local = join(t.dir, 'local')
    const writer = await createSession(local, { name: 'parts' })
    for (const path of ['/a', '/b', '/c']) await writer.append(exchange({ url: `http://h.test${path}` }))
    await writer.close()
    const log = await readFile(join(local, 'exchanges.log'))
    const one = log.byteLength / 3
    const put = (key: string, body: Uint8Array) =>
      client.send(new PutObjectCommand({ Bucket: 'team', Key: key, Body: body }))
    for (const prefix of ['gap', 'torn'])
      await put(`${prefix}/s/session.json`, await readFile(join(local, 'session.json')))
    await put('gap/s/exchanges.log/00000000', log.subarray(0, one))
    await put('gap/s/exchanges.log/00000002', log.subarray(2 * one))
    await assert.rejects(
      openS3Session('s3://team/gap/s', client),
      /s3:\/\/team\/gap\/s\/exchanges\.log\/00000001 at byte 0: is missing, though segment 2 is there/,
    )

    await put('torn/s/exchanges.log/00000000', log.subarray(0, 2 * one))
    await put('torn/s/exchanges.log/00000001', log.subarray(2 * one, 2 * one + 10))
    const torn = await openS3Session('s3://team/torn/s', client)
    assert.deepEqual(
      torn.records.map((r) => new URL(r.request.url).pathname),
      ['/a', '/b'],
    )
    assert.equal(torn.torn?.file, 's3://team/torn/s/exchanges.log')
    assert.equal(torn.torn?.offset, 2 * one)
    await assert.rejects(
      createS3Session('s3://team/torn/s', { client }),
      /s3:\/\/team\/torn\/s\/exchanges\.log at byte \d+: ends inside a record .*record to a new session/,
    )
  } finally {
    client.destroy()
    await s3.stop()
    await t.remove()
  }
})

test('recording again to an s3:// session appends after its records, in a new segment', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
  try {
    for (const path of ['/first', '/second']) {
      const writer = await createS3Session('s3://team/again/s', { client, name: 'again' })
      await writer.append(exchange({ url: `http://h.test${path}` }))
      const info = await writer.close()
      assert.equal(info.dir, 's3://team/again/s')
    }
    const session = await openS3Session('s3://team/again/s', client)
    assert.deepEqual(
      session.records.map((r) => new URL(r.request.url).pathname),
      ['/first', '/second'],
    )
    assert.equal(session.manifest.count, 2)
    const keys = (await client.send(new ListObjectsV2Command({ Bucket: 'team', Prefix: 'again/s/' }))).Contents?.map(
      (o) => o.Key,
    ).sort()
    assert.deepEqual(keys, ['again/s/exchanges.log/00000000', 'again/s/exchanges.log/00000001', 'again/s/session.json'])
  } finally {
    client.destroy()
    await s3.stop()
    await t.remove()
  }
})
