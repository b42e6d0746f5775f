import { needs } from '../support/counterparts.ts'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { recordProxy } from '../../electron/apps/record-proxy.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { createSession, LOG_FILE, openSession } from '../../electron/recording/session-store.ts'
import { encodeRecord, SessionError } from '../../electron/recording/record-log.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { startUpstream } from '../support/upstream.ts'
import { exchange, tempDir, waitFor } from './support.ts'

const READER = fileURLToPath(new URL('./conformance/read_session.py', import.meta.url))
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

/** What the Python reader prints for each session directory (one run for them all). */
function pythonReads(dirs: string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    execFile('python3', [READER, ...dirs], { maxBuffer: 256 << 20, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`the Python reader failed: ${stderr}`))
        return
      }
      resolve(
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      )
    })
  })
}

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex')
const body = (b: Uint8Array) => ({ length: b.byteLength, sha256: createHash('sha256').update(b).digest('hex') })

/** Nanoscope's own reading of a session, in the Python reader's terms. */
async function nanoscopeReads(dir: string): Promise<unknown> {
  try {
    const session = await openSession(dir)
    return {
      records: session.records.map(normal),
      torn: session.torn ? { offset: session.torn.offset, bytes: session.torn.bytes } : null,
    }
  } catch (error) {
    if (error instanceof SessionError) return { error: { offset: error.offset } }
    throw error
  }
}

function normal(x: RecordedExchange) {
  const headers = (h: RecordedExchange['request']['headers']) => h.map(([n, v]) => [hex(n), hex(v)])
  return {
    startedAt: x.startedAt,
    durationMs: x.durationMs,
    waitMs: x.waitMs ?? null,
    request: {
      method: hex(x.request.method),
      url: hex(x.request.url),
      version: x.request.version,
      headers: headers(x.request.headers),
      trailers: x.request.trailers ? headers(x.request.trailers) : null,
      body: body(x.request.body),
    },
    response: {
      status: x.response.status,
      reason: hex(x.response.reason),
      version: x.response.version,
      headers: headers(x.response.headers),
      trailers: x.response.trailers ? headers(x.response.trailers) : null,
      body: body(x.response.body),
    },
    truncated: x.truncated ?? null,
    incomplete: x.incomplete ?? null,
    generated: x.generated ?? null,
    tags: x.tags ?? null,
    note: x.note ?? null,
  }
}

interface Reading {
  records?: unknown[]
  torn?: unknown
  error?: { offset: number }
}

/** Both readers agree on each directory; the Python reader's error text is its own, so only offsets are compared. */
async function agreeOnAll(dirs: ReadonlyArray<{ dir: string; what: string }>): Promise<Reading[]> {
  const theirs = (await pythonReads(dirs.map((d) => d.dir))) as Reading[]
  const readings: Reading[] = []
  for (const [i, { dir, what }] of dirs.entries()) {
    const ours = (await nanoscopeReads(dir)) as Reading
    const their = theirs[i]!
    if (their.error)
      assert.deepEqual({ error: { offset: their.error.offset } }, ours, `${what}: both refuse at the same offset`)
    else assert.deepEqual(their, ours, `${what}: the Python reader agrees record for record`)
    readings.push(ours)
  }
  return readings
}

async function agree(dir: string, what: string): Promise<Reading> {
  return (await agreeOnAll([{ dir, what }]))[0]!
}

function raw(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(Buffer.from(text, 'latin1')))
    socket.on('data', () => {})
    socket.on('close', () => resolve())
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')))
  })
}

/** A chunked POST with a request trailer, read to the end with the response's trailers. */
function chunkedPost(url: string, target: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', path: target, agent: false, headers: { TE: 'trailers' } },
      (res) => {
        res.resume()
        res.on('end', resolve)
        res.on('error', () => resolve())
      },
    )
    req.on('error', () => resolve())
    req.write('ab') // a write before end: Node sends the body chunked, so the trailer can follow
    req.addTrailers({ 'X-Req-Trailer': 'yes' })
    req.end('c')
  })
}

function post(url: string, target: string, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', path: target, agent: false, headers: { 'Content-Length': bytes } },
      (res) => {
        res.resume()
        res.on('end', resolve)
        res.on('error', () => resolve())
      },
    )
    req.on('error', () => resolve())
    req.end(Buffer.alloc(bytes, 3))
  })
}

test('a Python reader written from FORMAT.md reads a recorded session exactly as Nanoscope does, and every cut copy of it', {
  skip: needs('python3'),
}, async () => {
  const t = await tempDir()
  const upstream = await startUpstream((req, res) => {
    if (req.url === '/gzip') {
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync('squeezed'))
      return
    }
    if (req.url === '/chunked') {
      res.write('one,')
      res.addTrailers({ 'X-Sum': '7' })
      res.end('two')
      return
    }
    res
      .writeHead(200, 'Fine', [['X-Odd', Buffer.from([0xe9, 0x41]).toString('latin1')]])
      .end(Buffer.from([0, 255, 10, 13]))
  })
  const dead = net.createServer()
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
  const deadPort = (dead.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => dead.close(() => resolve()))
  const dir = join(t.dir, 'session')
  const writer = await createSession(dir, { name: 'conformance' })
  const proxy = await mountApp(recordProxy({ session: writer }), { port: 0 })
  try {
    const port = proxy.server.port
    const u = `127.0.0.1:${upstream.port}`
    await raw(port, `GET http://${u}/plain HTTP/1.1\r\nHost: ${u}\r\nX-Latin: caf\xe9\r\nConnection: close\r\n\r\n`)
    await raw(port, `GET http://${u}/gzip HTTP/1.1\r\nHost: ${u}\r\nConnection: close\r\n\r\n`)
    await chunkedPost(proxy.server.url, `http://${u}/chunked`)
    await post(proxy.server.url, `http://127.0.0.1:${deadPort}/gone`, 100_000)
    await waitFor(() => writer.count === 4, 5000, 'four records')
    await writer.close()
    const whole = await agree(dir, 'the whole session')
    assert.equal(whole.records?.length, 4)
    const chunkedUrl = Buffer.from(`http://${u}/chunked`, 'latin1').toString('hex')
    const chunked = (
      whole.records as Array<{ request: { url: string; trailers: unknown }; response: { trailers: unknown } }>
    ).find((r) => r.request.url === chunkedUrl)!
    const hexPair = (n: string, v: string) => [
      Buffer.from(n, 'latin1').toString('hex'),
      Buffer.from(v, 'latin1').toString('hex'),
    ]
    assert.deepEqual(
      chunked.request.trailers,
      [hexPair('X-Req-Trailer', 'yes')],
      'the request trailers are in the session',
    )
    assert.deepEqual(chunked.response.trailers, [hexPair('X-Sum', '7')], 'the response trailers are in the session')
    assert.equal(whole.torn, null)

    // Cut copies: every length through the last record, and a few earlier ones.
    const log = await readFile(join(dir, LOG_FILE))
    const lastStart = (await openSessionLengths(dir)).at(-1)!
    const cuts = new Set<number>([0, 1, 5, 40])
    for (let n = lastStart; n <= log.byteLength; n += Math.max(1, Math.floor((log.byteLength - lastStart) / 400)))
      cuts.add(n)
    for (let n = lastStart; n < lastStart + 100; n++) cuts.add(n)
    cuts.add(log.byteLength - 1)
    const copies: Array<{ dir: string; what: string }> = []
    for (const n of [...cuts].sort((a, b) => a - b)) {
      const copy = join(t.dir, `cut-${n}`)
      await mkdir(copy)
      await copyFile(join(dir, 'session.json'), join(copy, 'session.json'))
      await writeFile(join(copy, LOG_FILE), log.subarray(0, n))
      copies.push({ dir: copy, what: `the log cut to ${n} bytes` })
    }
    const readings = await agreeOnAll(copies)
    assert.ok(
      readings.some((r) => r.torn !== null && r.torn !== undefined),
      'some cuts leave a torn tail',
    )
    const copy = join(t.dir, 'damaged')
    await mkdir(copy)
    await copyFile(join(dir, 'session.json'), join(copy, 'session.json'))
    // Damage: stray bytes after the last record, and an intact last record that is not version 1.
    await writeFile(join(copy, LOG_FILE), Buffer.concat([log, Buffer.from('garbage')]))
    assert.ok('error' in (await agree(copy, 'stray bytes after the last record')))
    const foreign = encodeRecord(exchange()).toString('latin1').replace('{"v":1,', '{"v":2,')
    await writeFile(join(copy, LOG_FILE), Buffer.concat([log, fixCrc(Buffer.from(foreign, 'latin1'))]))
    assert.ok('error' in (await agree(copy, 'a last record of version 2 with a good checksum')))
    await writeFile(join(copy, LOG_FILE), Buffer.concat([log, Buffer.from('NSR1 12 0 ')]))
    assert.deepEqual((await agree(copy, 'a partial frame line at the end')).torn, { offset: log.byteLength, bytes: 10 })
    await writeFile(join(copy, LOG_FILE), Buffer.alloc(0))
    assert.deepEqual(await agree(copy, 'an empty log'), { records: [], torn: null })
    await rm(join(copy, LOG_FILE))
    assert.deepEqual(await agree(copy, 'a missing log'), { records: [], torn: null })
    const manifest = JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')) as Record<string, unknown>
    await writeFile(join(copy, 'session.json'), JSON.stringify({ ...manifest, version: 2 }))
    assert.deepEqual(await agree(copy, 'a manifest of version 2'), { error: { offset: 0 } })
  } finally {
    await proxy.stop()
    await upstream.stop()
    await t.remove()
  }
})

test('the Python reader agrees with Nanoscope on a session whose recorder was killed with SIGKILL under load', {
  skip: needs('python3'),
}, async () => {
  const t = await tempDir()
  const dir = join(t.dir, 'killed')
  const upstream = await startUpstream((req, res) => res.end(Buffer.alloc(20_000, req.url?.length ?? 1)))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, 'record', '--dir', dir, '--port', '0', '--target', upstream.url],
    { stdio: 'pipe' },
  )
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  try {
    await waitFor(() => out.includes('\n'), 15_000, 'the recorder to listen')
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
    assert.ok(url, out)
    const load = Array.from({ length: 8 }, async (_, lane) => {
      for (let i = 0; ; i++) {
        try {
          await post(url, `/lane${lane}/${i}`, 50_000)
        } catch {
          return
        }
        if (child.exitCode !== null || child.signalCode !== null) return
      }
    })
    await new Promise((r) => setTimeout(r, 700))
    child.kill('SIGKILL')
    await exited
    await Promise.all(load)
    const read = await agree(dir, 'the killed session')
    assert.ok((read.records?.length ?? 0) > 0, 'it recorded something before it was killed')
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await upstream.stop()
    await t.remove()
  }
})

/** Byte offsets where each record of the session's log starts. */
async function openSessionLengths(dir: string): Promise<number[]> {
  const log = await readFile(join(dir, LOG_FILE))
  const starts: number[] = []
  let at = 0
  while (at < log.byteLength) {
    starts.push(at)
    const line = log.subarray(at, log.indexOf(0x0a, at)).toString('latin1').split(' ')
    const end = log.indexOf(0x0a, at) + 1
    at = end + Number(line[1]) + 1 + Number(line[2]) + Number(line[3]) + 1
  }
  return starts
}

/** Rewrites a record's frame line with the CRC of its (changed) bytes. */
function fixCrc(record: Buffer): Buffer {
  const nl = record.indexOf(0x0a)
  const [magic, j, q, s] = record.subarray(0, nl).toString('latin1').split(' ')
  const rest = record.subarray(nl + 1)
  const J = Number(j),
    Q = Number(q),
    S = Number(s)
  const crc = crc32(Buffer.concat([rest.subarray(0, J), rest.subarray(J + 1, J + 1 + Q + S)]))
  return Buffer.concat([Buffer.from(`${magic} ${j} ${q} ${s} ${crc.toString(16).padStart(8, '0')}\n`, 'latin1'), rest])
}

function crc32(bytes: Buffer): number {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}
