import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startUpstream } from '../support/upstream.ts'
import { s3Env, startS3 } from '../support/s3-server.ts'
import { tempDir, waitFor } from './support.ts'
import { cli, send } from './s3-cli-support.ts'

test('a recording to s3:// killed with kill -9 keeps every exchange it had uploaded, losing at most the last interval', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const upstream = await startUpstream()
  const work = join(t.dir, 'work')
  await mkdir(work)
  const env = s3Env(s3.endpoint, { NANOSCOPE_S3_UPLOAD_SECONDS: '1' })
  const session = 's3://team/crash/one'
  try {
    const record = cli(['record', '--dir', session, '--port', '0', '--target', upstream.url], env, work)
    const proxy = /listening on (http:\/\/\S+)/.exec(await record.firstLine())?.[1]
    assert.ok(proxy, record.err())
    await send(`${proxy}/one`)
    await send(`${proxy}/two`)
    // Uploaded within the interval: a reader sees both while the recorder still runs.
    await waitFor(
      async () => {
        const har = cli(['har', 'export', '--session', session], env, work)
        await har.exit
        return har.out().includes('/two')
      },
      15_000,
      'the first two exchanges to be readable from the bucket',
    )
    await send(`${proxy}/three`)
    record.child.kill('SIGKILL')
    await record.exit
    const cache = /through the local folder (\S+),/.exec(record.err())?.[1]
    assert.ok(cache, record.err())
    assert.match(
      await readFile(join(cache, 'exchanges.log'), 'latin1'),
      /\/three/,
      'the local folder a kill -9 leaves holds every exchange',
    )
    await rm(join(cache, '..'), { recursive: true, force: true })
    const har = cli(['har', 'export', '--session', session], env, work)
    assert.equal(await har.exit, 0, har.err())
    const paths = (JSON.parse(har.out()) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries.map(
      (e) => new URL(e.request.url).pathname,
    )
    assert.deepEqual(paths.slice(0, 2), ['/one', '/two'], 'what was uploaded stays readable')
    assert.ok(paths.length <= 3)
  } finally {
    await upstream.stop()
    await s3.stop()
    await t.remove()
  }
})

test('S3 faults are one clear line and exit 1: no such bucket, refused credentials, a wrong endpoint, no session there', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  try {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [
        ['record', '--dir', 's3://no-such-bucket/a/b', '--port', '0'],
        s3Env(s3.endpoint),
        /^nanoscope record: s3:\/\/no-such-bucket\/a\/b: no such bucket \(at http:\/\/127\.0\.0\.1:\d+\)\n$/,
      ],
      [
        ['replay', '--session', 's3://team/a/b'],
        s3Env(s3.endpoint, { AWS_ACCESS_KEY_ID: 'nobody' }),
        /^nanoscope replay: s3:\/\/team\/a\/b: the credentials were refused \(InvalidAccessKeyId\)/,
      ],
      [
        ['standin', '--session', 's3://team/a/b', '--port', '0'],
        s3Env('http://127.0.0.1:1'),
        /^nanoscope standin: s3:\/\/team\/a\/b: cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
      ],
      [
        ['har', 'export', '--session', 's3://team/nothing/here'],
        s3Env(s3.endpoint),
        /^nanoscope har: s3:\/\/team\/nothing\/here\/session\.json at byte 0: does not exist, so this is not a Nanoscope session\n$/,
      ],
    ]
    for (const [args, env, expected] of cases) {
      const run = cli(args, env, t.dir)
      assert.equal(await run.exit, 1, `${args.join(' ')}: ${run.err()}`)
      assert.match(run.err(), expected)
      assert.doesNotMatch(run.err(), /\n\s+at /, 'no stack trace')
    }
  } finally {
    await s3.stop()
    await t.remove()
  }
})

test('when the bucket goes away mid-recording the proxy keeps serving, says so, and what was uploaded stays readable', async () => {
  const t = await tempDir()
  const store = join(t.dir, 'bucket-store')
  let s3 = await startS3(store)
  const upstream = await startUpstream()
  const session = 's3://team/outage/one'
  let cache: string | undefined
  try {
    const record = cli(
      ['record', '--dir', session, '--port', '0', '--target', upstream.url],
      s3Env(s3.endpoint, { NANOSCOPE_S3_UPLOAD_SECONDS: '1' }),
      t.dir,
    )
    const proxy = /listening on (http:\/\/\S+)/.exec(await record.firstLine())?.[1]
    assert.ok(proxy, record.err())
    await send(`${proxy}/before`)
    await waitFor(
      async () =>
        (await readdir(join(store, 'team'), { recursive: true })).some((f) => /exchanges\.log.*0{8}/.test(String(f))),
      15_000,
      'the first segment in the bucket',
    )
    await s3.stop()
    assert.equal((await send(`${proxy}/during`)).status, 200, 'the proxy keeps serving')
    await waitFor(
      () => /cannot upload the recording: s3:\/\/team\/outage\/one: cannot reach/.test(record.err()),
      15_000,
      'the recorder to say the upload failed',
    )
    record.child.kill('SIGTERM')
    assert.equal(await record.exit, 1)
    const last = record.err().trim().split('\n').at(-1)!
    assert.match(
      last,
      /^nanoscope record: s3:\/\/team\/outage\/one: cannot reach .*; the recording is kept in (\S+) \(upload it/,
    )
    cache = /kept in (\S+) \(/.exec(last)![1]!
    assert.ok(
      (await readFile(join(cache, 'exchanges.log'), 'latin1')).includes('/during'),
      'the exchanges recorded during the outage are in the cache folder it names',
    )

    s3 = await startS3(store)
    const har = cli(['har', 'export', '--session', session], s3Env(s3.endpoint), t.dir)
    assert.equal(await har.exit, 0, har.err())
    const paths = (JSON.parse(har.out()) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries.map(
      (e) => new URL(e.request.url).pathname,
    )
    assert.deepEqual(paths, ['/before'])
  } finally {
    if (cache) await rm(join(cache, '..'), { recursive: true, force: true })
    await upstream.stop()
    await s3.stop()
    await t.remove()
  }
})
