// The S3 session store in this process against a real s3rver on 127.0.0.1 (port 0): what a user recording to,
// listing and reading `s3://` sessions sees, and the one-line failures the CLI prints for them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { appendFile, readFile, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import {
  createS3Session,
  listS3Sessions,
  openS3Session,
  type S3SessionWriter,
} from '../../electron/recording/s3-session-store.ts'
import { s3rverClient, startS3 } from '../support/s3-server.ts'
import { until } from '../support/wait.ts'
import { exchange, tempDir } from './support.ts'

/** A fresh s3rver with the bucket "team", and a client for it; stopped (and its folder removed) after `body`. */
async function withS3(body: (client: S3Client, endpoint: string) => Promise<void>): Promise<void> {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const client = s3rverClient(s3.endpoint)
  try {
    await body(client, s3.endpoint)
  } finally {
    client.destroy()
    await s3.stop()
    await t.remove()
  }
}

const put = (client: S3Client, key: string, body: string | Uint8Array) =>
  client.send(new PutObjectCommand({ Bucket: 'team', Key: key, Body: body }))

async function keysUnder(client: S3Client, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: 'team', Prefix: prefix }))
  return (page.Contents ?? []).map((o) => o.Key ?? '').sort()
}

async function objectBytes(client: S3Client, key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: 'team', Key: key }))
  return Buffer.from(await res.Body!.transformToByteArray())
}

const paths = (records: ReadonlyArray<{ request: { url: string } }>) =>
  records.map((r) => new URL(r.request.url).pathname)

/** Waits (bounded) until the bucket holds exactly `n` segments of the session at `prefix`. */
async function segmentsReach(client: S3Client, prefix: string, n: number): Promise<string[]> {
  let keys: string[] = []
  const end = Date.now() + 5000
  for (;;) {
    keys = (await keysUnder(client, `${prefix}/exchanges.log/`)).filter(Boolean)
    if (keys.length >= n) return keys
    if (Date.now() > end) throw new Error(`${n} segments not uploaded within 5 s (found ${keys.join(', ')})`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const BINARY = Buffer.from([0, 1, 2, 0xff, 0x80, 10, 13])

test('a session recorded to s3:// loads back with every body byte for byte and lists with its name, count and size', async () => {
  await withS3(async (client) => {
    const writer = await createS3Session('s3://team/shared/checkout', {
      client,
      name: 'Checkout flow',
      uploadIntervalMs: 60_000,
    })
    assert.equal(writer.dir, 's3://team/shared/checkout')
    assert.equal(writer.description, 'records each exchange to the session in s3://team/shared/checkout')
    assert.equal(
      JSON.parse((await objectBytes(client, 'shared/checkout/session.json')).toString()).name,
      'Checkout flow',
      'the manifest is in the bucket before the first upload',
    )
    await writer.append(exchange({ method: 'POST', url: 'http://h.test/a', requestBody: BINARY }))
    await writer.append(exchange({ url: 'http://h.test/b', responseBody: Buffer.alloc(70_000, 7) }))
    await new Promise<void>((resolve, reject) =>
      writer.enqueue!(exchange({ method: 'DELETE', url: 'http://h.test/c' }), (e) => (e ? reject(e) : resolve())),
    )
    assert.equal(writer.count, 3)
    assert.equal(writer.failures, 0)
    assert.equal(writer.lastError, undefined)
    assert.equal((await stat(join(writer.cacheDir, 'exchanges.log'))).isFile(), true, 'records go to the cache first')

    const info = await writer.close()
    assert.equal(info.dir, 's3://team/shared/checkout')
    assert.equal(info.id, 'checkout')
    assert.equal(info.count, 3)
    assert.equal(existsSync(dirname(writer.cacheDir)), false, 'the cache folder is removed once all is uploaded')
    assert.equal(await writer.close(), await writer.close(), 'closing again is the same close')

    const session = await openS3Session('s3://team/shared/checkout', client)
    assert.equal(session.dir, 's3://team/shared/checkout')
    assert.equal(session.manifest.name, 'Checkout flow')
    assert.equal(session.manifest.count, 3)
    assert.equal(session.torn, undefined)
    assert.deepEqual(paths(session.records), ['/a', '/b', '/c'])
    assert.deepEqual(Buffer.from(session.records[0]!.request.body), BINARY)
    assert.deepEqual(Buffer.from(session.records[1]!.response.body), Buffer.alloc(70_000, 7))

    const manifestBytes = (await objectBytes(client, 'shared/checkout/session.json')).byteLength
    const logBytes = (await objectBytes(client, 'shared/checkout/exchanges.log/00000000')).byteLength
    const listed = await listS3Sessions('s3://team/shared', client)
    assert.deepEqual(listed, [
      {
        dir: 's3://team/shared/checkout',
        id: 'checkout',
        name: 'Checkout flow',
        created: session.manifest.created,
        updated: session.manifest.updated,
        source: '',
        count: 3,
        sizeBytes: manifestBytes + logBytes,
      },
    ])
  })
})

test('sessions under a prefix list newest first; a folder without a manifest is skipped, a manifest that is not JSON lists by its folder name', async () => {
  await withS3(async (client) => {
    const manifest = (name: string, created: string, extra: object = {}) =>
      JSON.stringify({
        format: 'nanoscope-session',
        version: 1,
        name,
        created,
        updated: created,
        source: '',
        count: 0,
        ...extra,
      })
    await put(
      client,
      'p/old/session.json',
      manifest('Old one', '2026-01-01T00:00:00.000Z', { source: 'http://x.test' }),
    )
    await put(client, 'p/new/session.json', manifest('New one', '2026-03-01T00:00:00.000Z', { count: 4 }))
    await put(client, 'p/notes/readme.txt', 'not a session')
    await put(client, 'p/broken/session.json', '{ not json')
    await put(client, 'elsewhere/session.json', manifest('Root level', '2026-02-01T00:00:00.000Z'))

    const listed = await listS3Sessions('s3://team/p/', client)
    assert.deepEqual(
      listed.map((s) => [s.dir, s.id, s.name, s.created, s.source, s.count]),
      [
        ['s3://team/p/new', 'new', 'New one', '2026-03-01T00:00:00.000Z', '', 4],
        ['s3://team/p/old', 'old', 'Old one', '2026-01-01T00:00:00.000Z', 'http://x.test', 0],
        ['s3://team/p/broken', 'broken', 'broken', '', '', 0],
      ],
    )
    assert.equal(listed[2]!.sizeBytes, Buffer.byteLength('{ not json'))
    assert.equal(listed[2]!.updated, '')

    const atRoot = await listS3Sessions('s3://team', client)
    assert.deepEqual(
      atRoot.map((s) => [s.dir, s.name]),
      [['s3://team/elsewhere', 'Root level']],
      'a bucket with no prefix lists the sessions at its root',
    )
  })
})

test('a listed session whose log gained segments after its count was written says so; one uploaded before it does not', async () => {
  await withS3(async (client) => {
    const manifest = (updated: string) =>
      JSON.stringify({
        format: 'nanoscope-session',
        version: 1,
        name: 'n',
        created: updated,
        updated,
        source: '',
        count: 1,
      })
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
    await put(client, 'q/grown/session.json', manifest(hourAgo))
    await put(client, 'q/grown/exchanges.log/00000000', 'x'.repeat(10))
    await put(client, 'q/grown/exchanges.log/00000001', 'y'.repeat(20))
    await put(client, 'q/grown/exchanges.log/notes.txt', 'not a segment: left out of the size')
    await put(client, 'q/settled/session.json', manifest(inAnHour))
    await put(client, 'q/settled/exchanges.log/00000000', 'z'.repeat(5))
    const listed = await listS3Sessions('s3://team/q', client)
    const grown = listed.find((s) => s.id === 'grown')
    const settled = listed.find((s) => s.id === 'settled')
    assert.equal(
      grown?.problem,
      'the log has grown since the count was written (still recording, or the recorder was killed): replay reads every record',
    )
    assert.equal(grown?.sizeBytes, Buffer.byteLength(manifest(hourAgo)) + 30)
    assert.equal(settled?.problem, undefined)
    assert.equal(settled?.sizeBytes, Buffer.byteLength(manifest(inAnHour)) + 5)
  })
})

test('a recording uploads what the log gained as numbered segments each interval, only whole records, and reads back whole', async () => {
  await withS3(async (client) => {
    const writer = await createS3Session('s3://team/live/s', { client, uploadIntervalMs: 30 })
    await writer.append(exchange({ url: 'http://h.test/1' }))
    await writer.append(exchange({ url: 'http://h.test/2' }))
    assert.deepEqual(await segmentsReach(client, 'live/s', 1), ['live/s/exchanges.log/00000000'])
    const log = join(writer.cacheDir, 'exchanges.log')
    const before = (await stat(log)).size
    await writer.append(exchange({ url: 'http://h.test/3', requestBody: Buffer.alloc(4000, 3) }))
    const third = (await readFile(log)).subarray(before)
    // A record being written (here: half of one) is left for a later upload.
    await appendFile(log, third.subarray(0, third.byteLength / 2))
    const keys = await segmentsReach(client, 'live/s', 2)
    assert.deepEqual(keys, ['live/s/exchanges.log/00000000', 'live/s/exchanges.log/00000001'])
    assert.deepEqual(await objectBytes(client, 'live/s/exchanges.log/00000001'), third)
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(
      (await keysUnder(client, 'live/s/exchanges.log/')).length,
      2,
      'nothing is uploaded when no whole record was added',
    )
    await writer.close()
    const session = await openS3Session('s3://team/live/s', client)
    assert.deepEqual(paths(session.records), ['/1', '/2', '/3'])
  })
})

/** A client whose segment uploads fail (as an unavailable server's would) while `down.now` is set. */
function flaky(client: S3Client, down: { now: boolean }): S3Client {
  const send = client.send.bind(client) as (...a: unknown[]) => Promise<unknown>
  client.send = ((command: unknown, ...rest: unknown[]) => {
    if (down.now && command instanceof PutObjectCommand && String(command.input.Key).includes('/exchanges.log/'))
      return Promise.reject(
        Object.assign(new Error('the server is down for maintenance'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 },
        }),
      )
    return send(command, ...rest)
  }) as S3Client['send']
  return client
}

test('an upload that fails is said once while recording goes on, and the first one that works again says nothing was lost', async () => {
  await withS3(async (client) => {
    const down = { now: true }
    const lines: string[] = []
    const writer: S3SessionWriter = await createS3Session('s3://team/flaky/s', {
      client: flaky(client, down),
      uploadIntervalMs: 30,
      onProblem: (line) => lines.push(line),
    })
    await writer.append(exchange({ url: 'http://h.test/1' }))
    await until(() => lines.length > 0, 5000, 'the failed upload to be said')
    await writer.append(exchange({ url: 'http://h.test/2' }))
    await new Promise((r) => setTimeout(r, 150))
    assert.deepEqual(lines, [
      `cannot upload the recording: s3://team/flaky/s: ServiceUnavailable (HTTP 503): the server is down for maintenance; recording goes on into ${writer.cacheDir}, and uploading is tried again every 0 s`,
    ])
    assert.equal(
      writer.lastError,
      's3://team/flaky/s: ServiceUnavailable (HTTP 503): the server is down for maintenance',
    )
    assert.equal(writer.count, 2, 'recording goes on')
    down.now = false
    await until(() => lines.length > 1, 5000, 'the recovery to be said')
    assert.equal(lines[1], 'uploading to s3://team/flaky/s works again; nothing was lost')
    assert.equal(writer.lastError, undefined)
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(lines.length, 2, 'recovery is said once')
    await writer.close()
    assert.deepEqual(paths((await openS3Session('s3://team/flaky/s', client)).records), ['/1', '/2'])
  })
})

test('without a listener, an upload failure is written to stderr as one line', async () => {
  await withS3(async (client) => {
    const down = { now: true }
    const written: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk))
      return true
    }) as typeof process.stderr.write
    let writer: S3SessionWriter | undefined
    try {
      writer = await createS3Session('s3://team/quiet/s', { client: flaky(client, down), uploadIntervalMs: 30 })
      await writer.append(exchange({ url: 'http://h.test/1' }))
      await until(() => written.length > 0, 5000, 'a line on stderr')
    } finally {
      process.stderr.write = write
    }
    assert.match(
      written[0]!,
      /^cannot upload the recording: s3:\/\/team\/quiet\/s: ServiceUnavailable \(HTTP 503\).*\n$/,
    )
    down.now = false
    await writer.close()
  })
})

test('a close that still cannot upload fails naming the cache folder, which keeps every record', async () => {
  await withS3(async (client) => {
    const writer = await createS3Session('s3://team/stuck/s', {
      client: flaky(client, { now: true }),
      uploadIntervalMs: 60_000,
      onProblem: () => {},
    })
    await writer.append(exchange({ url: 'http://h.test/kept' }))
    await assert.rejects(writer.close(), {
      message: `s3://team/stuck/s: ServiceUnavailable (HTTP 503): the server is down for maintenance; the recording is kept in ${writer.cacheDir} (upload it with the AWS CLI, or record again)`,
    })
    const log = await readFile(join(writer.cacheDir, 'exchanges.log'))
    assert.ok(log.includes('http://h.test/kept'), 'the record is in the cache folder')
    await rm(dirname(writer.cacheDir), { recursive: true, force: true })
  })
})

test('no session, no bucket, refused credentials and a prefix holding other things each fail in one line naming the place', async () => {
  await withS3(async (client, endpoint) => {
    await assert.rejects(openS3Session('s3://team/nothing/here', client), {
      message: 's3://team/nothing/here/session.json at byte 0: does not exist, so this is not a Nanoscope session',
    })
    await assert.rejects(
      openS3Session('s3://no-such-bucket/a/b', client),
      /^Error: s3:\/\/no-such-bucket\/a\/b: no such bucket/,
    )
    await assert.rejects(
      listS3Sessions('s3://no-such-bucket/a', client),
      /^Error: s3:\/\/no-such-bucket\/a: no such bucket/,
    )
    await assert.rejects(
      createS3Session('s3://no-such-bucket/a/b', { client }),
      /^Error: s3:\/\/no-such-bucket\/a\/b: no such bucket/,
    )
    await assert.rejects(createS3Session('s3://team', { client }), {
      message: 's3://team: name the session under the bucket: s3://bucket/prefix/NAME',
    })
    await put(client, 'busy/s/notes.txt', 'someone else’s')
    await assert.rejects(createS3Session('s3://team/busy/s', { client }), {
      message:
        's3://team/busy/s/session.json at byte 0: does not exist, and the prefix holds other objects: choose an empty or new prefix for a session',
    })
    await put(client, 'marked/s/', '')
    const marked = await createS3Session('s3://team/marked/s', { client, uploadIntervalMs: 60_000 })
    assert.equal((await marked.close()).count, 0, 'a folder marker alone does not make the prefix busy')

    const stranger = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong' },
    })
    try {
      await assert.rejects(
        openS3Session('s3://team/marked/s', stranger),
        /^Error: s3:\/\/team\/marked\/s: the credentials were refused \(InvalidAccessKeyId\)/,
      )
      await assert.rejects(
        listS3Sessions('s3://team/marked', stranger),
        /^Error: s3:\/\/team\/marked: the credentials were refused \(InvalidAccessKeyId\)/,
      )
    } finally {
      stranger.destroy()
    }
  })
})

/** A client to which the server lists keys in reverse order (S3 lists them sorted; not every compatible server does). */
function listingBackwards(client: S3Client): S3Client {
  const send = client.send.bind(client) as (...a: unknown[]) => Promise<{ Contents?: unknown[] }>
  client.send = (async (command: unknown, ...rest: unknown[]) => {
    const out = await send(command, ...rest)
    return command instanceof ListObjectsV2Command ? { ...out, Contents: [...(out.Contents ?? [])].reverse() } : out
  }) as S3Client['send']
  return client
}

test('a log read back ignores keys under it that are not numbered segments, and takes the segments in number order', async () => {
  await withS3(async (client, endpoint) => {
    const writer = await createS3Session('s3://team/parts/s', { client, uploadIntervalMs: 30 })
    for (let i = 0; i < 3; i++) {
      await writer.append(exchange({ url: `http://h.test/${i}` }))
      await segmentsReach(client, 'parts/s', i + 1)
    }
    await writer.close()
    await put(client, 'parts/s/exchanges.log/00000003.partial', 'an upload tool left this')
    await put(client, 'parts/s/exchanges.log/notes', 'and this')
    const session = await openS3Session('s3://team/parts/s', client)
    assert.deepEqual(paths(session.records), ['/0', '/1', '/2'])
    const backwards = listingBackwards(s3rverClient(endpoint))
    try {
      assert.deepEqual(
        paths((await openS3Session('s3://team/parts/s', backwards)).records),
        ['/0', '/1', '/2'],
        'a server listing keys in another order still gives the records in segment order',
      )
    } finally {
      backwards.destroy()
    }

    const again = await createS3Session('s3://team/parts/s', { client, uploadIntervalMs: 60_000 })
    assert.equal(again.count, 3)
    await again.append(exchange({ url: 'http://h.test/3' }))
    await again.close()
    assert.deepEqual(
      (await keysUnder(client, 'parts/s/exchanges.log/')).filter((k) => /\/\d+$/.test(k)),
      [0, 1, 2, 3].map((n) => `parts/s/exchanges.log/0000000${n}`),
    )
    assert.deepEqual(paths((await openS3Session('s3://team/parts/s', client)).records), ['/0', '/1', '/2', '/3'])
  })
})
