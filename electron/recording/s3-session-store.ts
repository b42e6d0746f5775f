/**
 * Sessions in an S3-compatible bucket (FORMAT.md, "Sessions in S3"): `s3://bucket/prefix/NAME/session.json`
 * and the log as numbered segments `exchanges.log/00000000`, `…/00000001`, … each a whole number of records,
 * whose concatenation in order is the session's `exchanges.log`.
 *
 * Writing records into a local session in a cache folder (the same writer as on disk, session-store.ts) and
 * uploads what the log gained as a new segment every `uploadSeconds()` (5 s unless `NANOSCOPE_S3_UPLOAD_SECONDS`) and on close, then the manifest; the
 * cache folder is removed once everything is uploaded. So a `kill -9` loses at most the last interval's
 * exchanges (plus one upload in flight), and whatever was uploaded stays readable. An upload that fails (the
 * network down, the bucket gone) is said once, on `onProblem`; the records stay in the cache and the next
 * interval tries again; a close that still cannot upload fails naming the cache folder that holds them.
 *
 * Reading streams: the records are decoded from the segments' bodies as they arrive (streamS3Session), so a
 * replay starts before the log is all fetched and never holds it whole. Appending to a session (and only that)
 * downloads its log into the cache folder first.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import {
  createSession,
  LOG_FILE,
  MANIFEST_FILE,
  parseManifest,
  type CreateSessionOptions,
  type Session,
  type SessionInfo,
  type SessionWriter,
} from './session-store.ts'
import { parseFrame, SessionError } from './record-log.ts'
import { uploadSeconds, type SessionStream } from './session-location.ts'
import { decodeLogStream } from './log-stream.ts'
import type { RecordedExchange } from './recorded-exchange.ts'
import { explainS3Error, parseS3Ref, s3Client, s3Ref, type S3Location } from './s3-location.ts'

const SEGMENT_DIGITS = 8
const segmentKey = (loc: S3Location, n: number) => `${loc.key}/${LOG_FILE}/${String(n).padStart(SEGMENT_DIGITS, '0')}`

/** Reads a whole session from S3 into memory (HAR and load exports need it all); replay streams instead. */
export async function openS3Session(ref: string, client: S3Client = s3Client()): Promise<Session> {
  const stream = await streamS3Session(ref, client)
  const records: RecordedExchange[] = []
  for await (const x of stream.records) records.push(x)
  const torn = stream.records.torn
  return { dir: stream.dir, manifest: stream.manifest, records, ...(torn ? { torn } : {}) }
}

/**
 * Opens a session in S3 for reading as a stream: the manifest and the segments' listing are read now (so a
 * missing session, bucket or segment fails here, in one line); the records are decoded from each segment's
 * GetObject body as it arrives, segment after segment in order, so the first record is ready before the
 * rest of the log is fetched and the log is never held whole. Iterate `records` once.
 */
export async function streamS3Session(ref: string, client: S3Client = s3Client()): Promise<SessionStream> {
  const loc = parseS3Ref(ref)
  const where = s3Ref(loc)
  const manifestFile = `${where}/${MANIFEST_FILE}`
  const body = await getObject(client, loc.bucket, `${loc.key}/${MANIFEST_FILE}`, where)
  if (body === undefined) throw new SessionError(manifestFile, 0, 'does not exist, so this is not a Nanoscope session')
  const manifest = parseManifest(
    Buffer.concat((await body.toArray()) as Buffer[]).toString('utf8'),
    manifestFile,
    basename(loc.key),
  )
  const segments = await checkedSegments(client, loc)
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const key of segments) {
      const part = await getObject(client, loc.bucket, key, where)
      if (part === undefined) continue // deleted since the listing
      yield* part as AsyncIterable<Uint8Array>
    }
  }
  return { dir: where, manifest, records: decodeLogStream(chunks(), `${where}/${LOG_FILE}`) }
}

/** The log's segment keys in order, each number present from 0 up (else the session is only partly there). */
async function checkedSegments(client: S3Client, loc: S3Location): Promise<string[]> {
  const segments = await listSegments(client, loc)
  segments.forEach((key, i) => {
    const n = Number(key.slice(key.lastIndexOf('/') + 1))
    if (n !== i)
      throw new SessionError(
        `${s3Ref(loc)}/${LOG_FILE}/${String(i).padStart(SEGMENT_DIGITS, '0')}`,
        0,
        `is missing, though segment ${n} is there: the session was only partly uploaded, or partly deleted`,
      )
  })
  return segments
}

/** Downloads the manifest and the log's segments into `dir`; returns how many segments there were. */
async function download(client: S3Client, loc: S3Location, dir: string): Promise<number> {
  const where = s3Ref(loc)
  const manifest = await getObject(client, loc.bucket, `${loc.key}/${MANIFEST_FILE}`, where)
  if (manifest === undefined)
    throw new SessionError(`${where}/${MANIFEST_FILE}`, 0, 'does not exist, so this is not a Nanoscope session')
  await pipeline(manifest, createWriteStream(join(dir, MANIFEST_FILE)))
  const segments = await checkedSegments(client, loc)
  const log = await open(join(dir, LOG_FILE), 'w')
  try {
    for (const key of segments) {
      const body = await getObject(client, loc.bucket, key, where)
      if (body === undefined) continue // deleted since the listing
      for await (const chunk of body) await log.write(chunk as Buffer)
    }
  } finally {
    await log.close()
  }
  return segments.length
}

async function getObject(client: S3Client, bucket: string, key: string, where: string): Promise<Readable | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return res.Body as Readable
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } }
    // Stryker disable next-line ConditionalExpression: `false` for the NoSuchKey test is equivalent (S3 answers NoSuchKey with a 404, which the test after it takes); the other mutants are caught by s3-session-store.test.ts and go with it
    if (e.name === 'NoSuchKey' || (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket')) return undefined
    throw explainS3Error(error, where)
  }
}

/** The log's segment keys in order. */
async function listSegments(client: S3Client, loc: S3Location): Promise<string[]> {
  const keys = await listKeys(client, loc.bucket, `${loc.key}/${LOG_FILE}/`, s3Ref(loc))
  return keys
    .filter((k) => /\/\d+$/.test(k))
    .sort((a, b) => Number(a.slice(a.lastIndexOf('/') + 1)) - Number(b.slice(b.lastIndexOf('/') + 1)))
}

async function listKeys(client: S3Client, bucket: string, prefix: string, where: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    try {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      )
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } catch (error) {
      throw explainS3Error(error, where)
    }
  } while (token)
  return keys
}

async function put(client: S3Client, bucket: string, key: string, body: Uint8Array, where: string): Promise<void> {
  try {
    // lib-storage sends one PUT for a small body and a multipart upload for a large one (over 5 MiB parts).
    await new Upload({ client, params: { Bucket: bucket, Key: key, Body: body } }).done()
  } catch (error) {
    throw explainS3Error(error, where)
  }
}

export interface S3SessionWriter extends SessionWriter {
  /** The local session the records go to first; it holds them all until close uploads the rest and removes it. */
  readonly cacheDir: string
}

export interface CreateS3SessionOptions extends CreateSessionOptions {
  /** Hears a line when an upload fails or recovers (default: stderr). */
  readonly onProblem?: (line: string) => void
  readonly uploadIntervalMs?: number
  readonly client?: S3Client
}

/**
 * Opens `s3://bucket/prefix/NAME` for recording: a new session, or one to append to (its log is downloaded
 * into the cache first). Fails at once, in one line, when the bucket cannot be reached, read or written.
 */
export async function createS3Session(ref: string, options: CreateS3SessionOptions = {}): Promise<S3SessionWriter> {
  const client = options.client ?? s3Client()
  const loc = parseS3Ref(ref)
  if (loc.key === '') throw new Error(`${ref}: name the session under the bucket: s3://bucket/prefix/NAME`)
  const where = s3Ref(loc)
  const say =
    options.onProblem ??
    ((line: string) => {
      process.stderr.write(`${line}\n`)
    })
  const cache = await mkdtemp(join(tmpdir(), 'nanoscope-s3-cache-'))
  const local = join(cache, basename(loc.key))
  let writer: SessionWriter
  let next = 0
  try {
    const existing = (await listKeys(client, loc.bucket, `${loc.key}/`, where)).filter((k) => !k.endsWith('/'))
    if (existing.includes(`${loc.key}/${MANIFEST_FILE}`)) {
      await mkdir(local)
      next = await download(client, loc, local)
    } else if (existing.length > 0) {
      throw new SessionError(
        `${where}/${MANIFEST_FILE}`,
        0,
        'does not exist, and the prefix holds other objects: choose an empty or new prefix for a session',
      )
    }
    writer = await createSession(local, options)
    if (writer.torn) {
      await writer.close()
      throw new SessionError(
        `${where}/${LOG_FILE}`,
        writer.torn.offset,
        `ends inside a record (${writer.torn.reason}); segments are never rewritten, so appending would leave it in the middle: record to a new session`,
      )
    }
    // Written now, so a session killed before its first upload is still one, and access is checked at once.
    await put(client, loc.bucket, `${loc.key}/${MANIFEST_FILE}`, await readFile(join(local, MANIFEST_FILE)), where)
  } catch (error) {
    await rm(cache, { recursive: true, force: true })
    throw error
  }
  const logFile = join(local, LOG_FILE)
  let uploaded = (await stat(logFile)).size
  const interval = options.uploadIntervalMs ?? uploadSeconds() * 1000
  let uploading: Promise<void> | undefined
  let failing: string | undefined

  /** Uploads the whole records the log gained since the last upload as the next segment. */
  const upload = (): Promise<void> =>
    (uploading ??= (async () => {
      try {
        const bytes = await wholeRecordsFrom(logFile, uploaded)
        if (bytes.byteLength === 0) return
        await put(client, loc.bucket, segmentKey(loc, next), bytes, where)
        next++
        uploaded += bytes.byteLength
        if (failing) say(`uploading to ${where} works again; nothing was lost`)
        failing = undefined
      } catch (error) {
        const line = (error as Error).message
        if (failing === undefined)
          say(
            `cannot upload the recording: ${line}; recording goes on into ${local}, and uploading is tried again every ${Math.round(interval / 1000)} s`,
          )
        failing = line
        throw error
      } finally {
        uploading = undefined
      }
    })())
  const timer = setInterval(() => {
    upload().catch(() => {})
  }, interval)
  timer.unref()
  let closing: Promise<SessionInfo> | undefined

  return {
    dir: where,
    cacheDir: local,
    get count() {
      return writer.count
    },
    get failures() {
      return writer.failures
    },
    get lastError() {
      return writer.lastError ?? failing
    },
    description: `records each exchange to the session in ${where}`,
    append: (exchange) => writer.append(exchange),
    enqueue: (exchange, settled) => {
      if (writer.enqueue) writer.enqueue(exchange, settled)
      else writer.append(exchange).then(() => settled(undefined), settled)
    },
    close() {
      return (closing ??= (async () => {
        clearInterval(timer)
        await uploading?.catch(() => {})
        const info = await writer.close()
        try {
          await upload()
          await put(
            client,
            loc.bucket,
            `${loc.key}/${MANIFEST_FILE}`,
            await readFile(join(local, MANIFEST_FILE)),
            where,
          )
        } catch (error) {
          throw new Error(
            `${(error as Error).message}; the recording is kept in ${local} (upload it with the AWS CLI, or record again)`,
          )
        }
        await rm(cache, { recursive: true, force: true })
        return { ...info, dir: where, id: basename(loc.key) }
      })())
    },
  }
}

/** The bytes of whole records in `file` from `offset` on (a record being written is left for next time). */
async function wholeRecordsFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    // Stryker disable next-line EqualityOperator: its `size < offset` mutant is equivalent (at `size === offset` nothing is read and no record found, so the bytes are empty all the same); `size > offset` is caught by s3-session-store.test.ts and goes with it
    if (size <= offset) return Buffer.alloc(0)
    // Stryker disable next-line ArithmeticOperator: a larger buffer changes nothing (only the `bytesRead` bytes read are parsed)
    const bytes = Buffer.alloc(size - offset)
    const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, offset)
    let end = 0
    while (end < bytesRead) {
      const frame = parseFrame(bytes.subarray(end, bytesRead))
      if (typeof frame === 'string' || end + frame.recordLength > bytesRead) break
      end += frame.recordLength
    }
    return bytes.subarray(0, end)
  } finally {
    await handle.close()
  }
}

/**
 * The sessions directly under `s3://bucket/prefix` (each a `NAME/` holding a `session.json`), newest first.
 * `count` is the manifest's (as of the last close); a session whose log gained segments after that says so in
 * `problem`, since counting its records would mean reading them.
 */
export async function listS3Sessions(ref: string, client: S3Client = s3Client()): Promise<SessionInfo[]> {
  const loc = parseS3Ref(ref)
  const where = s3Ref(loc)
  const prefix = loc.key === '' ? '' : `${loc.key}/`
  // Stryker disable next-line ArrayDeclaration: a name "Stryker was here" has no session.json under it, so it is skipped as a folder without one
  const names: string[] = []
  let token: string | undefined
  do {
    try {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: loc.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )
      for (const p of page.CommonPrefixes ?? [])
        if (p.Prefix) names.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''))
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } catch (error) {
      throw explainS3Error(error, where)
    }
  } while (token)
  const found: SessionInfo[] = []
  for (const name of names) {
    const session: S3Location = { bucket: loc.bucket, key: `${prefix}${name}` }
    const body = await getObject(client, loc.bucket, `${session.key}/${MANIFEST_FILE}`, where)
    if (body === undefined) continue
    const text = Buffer.concat((await body.toArray()) as Buffer[]).toString('utf8')
    let manifest: { name?: unknown; created?: unknown; updated?: unknown; source?: unknown; count?: unknown }
    try {
      manifest = JSON.parse(text) as typeof manifest
    } catch {
      manifest = {}
    }
    const segments = await listSegmentSizes(client, session)
    const size = Buffer.byteLength(text) + segments.reduce((sum, s) => sum + s.size, 0)
    const updated = String(manifest.updated ?? manifest.created ?? '')
    const lastUpload = Math.max(0, ...segments.map((s) => s.modified))
    const stale = lastUpload > (Date.parse(updated) || 0) + 1000
    found.push({
      dir: s3Ref(session),
      id: name,
      name: String(manifest.name ?? name),
      created: String(manifest.created ?? ''),
      updated,
      source: String(manifest.source ?? ''),
      count: Number(manifest.count ?? 0),
      sizeBytes: size,
      ...(stale
        ? {
            problem:
              'the log has grown since the count was written (still recording, or the recorder was killed): replay reads every record',
          }
        : {}),
    })
  }
  return found.sort((a, b) => b.created.localeCompare(a.created))
}

async function listSegmentSizes(client: S3Client, loc: S3Location): Promise<Array<{ size: number; modified: number }>> {
  const out: Array<{ size: number; modified: number }> = []
  let token: string | undefined
  do {
    try {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: loc.bucket,
          Prefix: `${loc.key}/${LOG_FILE}/`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )
      for (const o of page.Contents ?? [])
        if (o.Key && /\/\d+$/.test(o.Key)) out.push({ size: o.Size ?? 0, modified: o.LastModified?.getTime() ?? 0 })
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } catch (error) {
      throw explainS3Error(error, s3Ref(loc))
    }
  } while (token)
  return out
}
