import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { bodyBytes, request, response, type Response } from '../../electron/core/message.ts'
import { replay } from '../../electron/recording/replay.ts'
import { standIn } from '../../electron/recording/stand-in.ts'
import { openS3Session, streamS3Session } from '../../electron/recording/s3-session-store.ts'
import { createSession } from '../../electron/recording/session-store.ts'
import { s3rverClient, startS3 } from '../support/s3-server.ts'
import { exchange, tempDir, waitFor } from './support.ts'

const SEGMENTS = 5
const PER_SEGMENT = 4
const BODY = 256 * 1024

type Send = (command: PutObjectCommand) => Promise<unknown>

/** 20 exchanges (POST http://h.test/N) with 256 KiB request bodies, uploaded to s3://team/load/big as 5 segments of 4 records each, as a recorder would. */
async function uploadBigSession(dir: string, send: Send): Promise<Buffer[]> {
  const local = join(dir, 'local')
  const writer = await createSession(local, { name: 'big' })
  const bodies: Buffer[] = []
  for (let i = 0; i < SEGMENTS * PER_SEGMENT; i++) {
    const body = Buffer.alloc(BODY, i)
    bodies.push(body)
    await writer.append(
      exchange({ method: 'POST', url: `http://h.test/${i}`, requestBody: body, responseBody: `recorded ${i}` }),
    )
  }
  await writer.close()
  const log = await readFile(join(local, 'exchanges.log'))
  const perSegment = log.byteLength / SEGMENTS
  const put = (key: string, body: Uint8Array) => send(new PutObjectCommand({ Bucket: 'team', Key: key, Body: body }))
  await put('load/big/session.json', await readFile(join(local, 'session.json')))
  for (let n = 0; n < SEGMENTS; n++)
    await put(
      `load/big/exchanges.log/${String(n).padStart(8, '0')}`,
      log.subarray(n * perSegment, (n + 1) * perSegment),
    )
  return bodies
}

test('replaying an s3:// session streams its log: each request goes out before the segments after its own are fetched', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const client = s3rverClient(s3.endpoint)
  const fetched: string[] = []
  const send = client.send.bind(client)
  client.send = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
    if (command instanceof GetObjectCommand) fetched.push(String(command.input.Key))
    return (send as (...a: unknown[]) => unknown)(command, ...rest)
  }) as typeof client.send
  try {
    const bodies = await uploadBigSession(t.dir, send)
    const stream = await streamS3Session('s3://team/load/big', client)
    assert.deepEqual(fetched, ['load/big/session.json'], 'opening reads the manifest only')
    const segmentsFetchedAtSend: number[] = []
    const received: Buffer[] = []
    const report = await replay(stream.records, {
      speed: Infinity,
      expectedTotal: stream.manifest.count,
      send: async (req): Promise<Response> => {
        segmentsFetchedAtSend.push(fetched.filter((k) => k.includes('/exchanges.log/')).length)
        received.push(await bodyBytes(req.body))
        return response(200, {
          headers: [['Content-Type', 'text/plain']],
          body: `recorded ${new URL(req.target).pathname.slice(1)}`,
        })
      },
    })
    assert.equal(report.total, SEGMENTS * PER_SEGMENT)
    assert.equal(report.counts.same, SEGMENTS * PER_SEGMENT)
    // Request i is in segment floor(i / 4); when it was sent, no later segment had been asked for.
    assert.deepEqual(
      segmentsFetchedAtSend,
      bodies.map((_, i) => Math.floor(i / PER_SEGMENT) + 1),
    )
    assert.deepEqual(
      received.map((b) => b[0]),
      bodies.map((b) => b[0]),
    )
    assert.ok(
      received.every((b, i) => b.equals(bodies[i]!)),
      'every body arrives byte for byte',
    )
    assert.equal(stream.records.torn, undefined)

    const whole = await openS3Session('s3://team/load/big', client)
    assert.equal(whole.records.length, SEGMENTS * PER_SEGMENT)
  } finally {
    client.destroy()
    await s3.stop()
    await t.remove()
  }
})

test('a stand-in from an s3:// session answers what has arrived while the last segment is still being fetched, and misses once all is in', async () => {
  const t = await tempDir()
  const s3 = await startS3(join(t.dir, 'bucket-store'))
  const client = s3rverClient(s3.endpoint)
  const send = client.send.bind(client)
  const last = `load/big/exchanges.log/${String(SEGMENTS - 1).padStart(8, '0')}`
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let lastAsked = false
  let released = false
  client.send = (async (command: Parameters<typeof send>[0], ...rest: unknown[]) => {
    if (command instanceof GetObjectCommand && command.input.Key === last) {
      lastAsked = true
      await gate
    }
    return (send as (...a: unknown[]) => unknown)(command, ...rest)
  }) as typeof client.send
  // Bounded whatever happens; a reader that waited for the whole log would be answered only after this.
  const timer = setTimeout(() => {
    released = true
    release()
  }, 10_000)
  try {
    await uploadBigSession(t.dir, send)
    const stream = await streamS3Session('s3://team/load/big', client)
    const h = standIn(stream.records)
    const ask = (method: string, path: string) =>
      h(request({ method, target: `http://h.test${path}`, headers: [['Host', 'h.test']] }))

    const first = await ask('POST', '/0')
    assert.equal(first.status, 200)
    assert.equal((await bodyBytes(first.body)).toString(), 'recorded 0')
    const third = await ask('POST', '/15') // the last record of the fourth segment
    assert.equal((await bodyBytes(third.body)).toString(), 'recorded 15')
    await waitFor(() => lastAsked, 5_000, 'the last segment to be asked for')
    assert.equal(released, false, 'answered while the last segment was held back')

    let lastAnswered = false
    let missAnswered = false
    const inLast = ask('POST', '/19').then((r) => {
      lastAnswered = true
      return r
    })
    const missing = ask('GET', '/nope').then((r) => {
      missAnswered = true
      return r
    })
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(lastAnswered, false, 'a request recorded in the held-back segment waits for it')
    assert.equal(missAnswered, false, 'a miss is only a miss once the whole recording is in')
    released = true
    release()
    assert.equal((await bodyBytes((await inLast).body)).toString(), 'recorded 19')
    assert.equal((await missing).status, 404)
    assert.equal(await h.loaded, SEGMENTS * PER_SEGMENT)
  } finally {
    clearTimeout(timer)
    release()
    client.destroy()
    await s3.stop()
    await t.remove()
  }
})
