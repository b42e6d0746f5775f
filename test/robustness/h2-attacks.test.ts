/**
 * The HTTP/2 attacks, as raw frames on a net socket against a plain listener (h2c with prior knowledge): each may
 * cost its own connection, and the listener goes on serving others. The limits are node:http2's, set in
 * `electron/core/wire/h2-wire.ts` (`H2_LIMITS`).
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import http from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { startInterceptingProxy, type InterceptingProxy } from '../tls/fixtures.ts'
import { H2_PREFACE } from '../../electron/core/wire/h2-wire.ts'

const HEADERS = 0x1
const RST_STREAM = 0x3
const SETTINGS = 0x4
const PING = 0x6
const GOAWAY = 0x7
const CONTINUATION = 0x9
const END_STREAM = 0x1
const END_HEADERS = 0x4

function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9)
  head.writeUIntBE(payload.length, 0, 3)
  head[3] = type
  head[4] = flags
  head.writeUInt32BE(stream & 0x7fffffff, 5)
  return Buffer.concat([head, payload])
}

/** A literal header field without indexing, new name, no Huffman (RFC 7541 §6.2.2); short strings only. */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, name.length]),
    Buffer.from(name),
    Buffer.from([value.length]),
    Buffer.from(value),
  ])
}

/** GET / over http with :authority, as an HPACK block: static :method GET, :scheme http, :path /. */
function getBlock(authority: string): Buffer {
  return Buffer.concat([Buffer.from([0x82, 0x86, 0x84]), literal(':authority', authority)])
}

interface Raw {
  readonly socket: net.Socket
  /**
   * Resolves with how the proxy ended the connection: 'closed', or the error code of the GOAWAY it sent (nghttp2
   * sends GOAWAY and stops serving the session; the socket then lingers until the client leaves or it idles out), or
   * 'open' if neither happened within `ms`.
   */
  endedWithin(ms: number): Promise<'closed' | `goaway ${number}` | 'open'>
}

/** Reads the server's frames as they come, keeping only an unfinished one, and notes the first GOAWAY's error code. */
class FrameReader {
  goaway: number | undefined
  private pending = Buffer.alloc(0)

  push(chunk: Buffer): void {
    let bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk
    while (bytes.length >= 9) {
      const length = bytes.readUIntBE(0, 3)
      if (bytes.length < 9 + length) break
      if (bytes[3] === GOAWAY && length >= 8 && this.goaway === undefined) this.goaway = bytes.readUInt32BE(9 + 4)
      bytes = bytes.subarray(9 + length)
    }
    this.pending = Buffer.from(bytes)
  }
}

/**
 * A raw connection that sends the preface and an empty SETTINGS, then reads the frames that come back (to find a
 * GOAWAY in), or with `read: false` never reads.
 */
function rawH2(port: number, read = true): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const frames = new FrameReader()
    let closed = false
    const waiters: Array<() => void> = []
    const wake = (): void => {
      for (const w of waiters) w()
    }
    socket.on('error', () => {})
    socket.on('close', () => {
      closed = true
      wake()
    })
    if (read)
      socket.on('data', (c: Buffer) => {
        frames.push(c)
        wake()
      })
    else socket.pause()
    const outcome = (): 'closed' | `goaway ${number}` | undefined => {
      if (closed) return 'closed'
      return frames.goaway === undefined ? undefined : `goaway ${frames.goaway}`
    }
    socket.once('connect', () => {
      socket.write(Buffer.concat([H2_PREFACE, frame(SETTINGS, 0, 0)]))
      resolve({
        socket,
        endedWithin: (ms) =>
          new Promise((done) => {
            const now = outcome()
            if (now) return done(now)
            const timer = setTimeout(() => done('open'), ms)
            waiters.push(() => {
              const then = outcome()
              if (!then) return
              clearTimeout(timer)
              done(then)
            })
          }),
      })
    })
    socket.once('error', reject)
  })
}

/** Writes frames in batches, stopping early if the proxy closes the connection. */
async function flood(socket: net.Socket, make: (i: number) => Buffer, count: number): Promise<void> {
  const batch = 500
  for (let i = 0; i < count && !socket.destroyed; i += batch) {
    const frames: Buffer[] = []
    for (let j = i; j < Math.min(count, i + batch); j++) frames.push(make(j))
    const ok = socket.write(Buffer.concat(frames))
    if (!ok)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200)
        socket.once('drain', () => {
          clearTimeout(t)
          resolve()
        })
      })
  }
}

/** One ordinary h2c GET through the listener: resolves with its status, bounded. */
function h2cGet(url: string, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url)
    const timer = setTimeout(() => {
      session.destroy()
      reject(new Error('no h2c answer within 5 s'))
    }, 5000)
    session.on('error', reject)
    const stream = session.request({ ':path': path })
    stream.on('response', (h) => {
      clearTimeout(timer)
      stream.resume()
      stream.on('end', () => {
        session.close()
        resolve(Number(h[':status']))
      })
    })
    stream.on('error', reject)
  })
}

describe('HTTP/2 attacks cost their own connection, and the proxy keeps serving', () => {
  let upstream: http.Server
  let upstreamUrl: string
  let written = 0
  let proxy: InterceptingProxy
  before(async () => {
    upstream = http.createServer((req, res) => {
      req.resume()
      if (req.url === '/endless') {
        // Writes until the proxy stops taking bytes: how far it got shows whether backpressure reached here.
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        const chunk = Buffer.alloc(64 * 1024, 1)
        const pump = (): void => {
          while (!res.destroyed && written < 256 * 1024 * 1024) {
            written += chunk.length
            if (!res.write(chunk)) {
              res.once('drain', pump)
              return
            }
          }
          res.end()
        }
        pump()
        return
      }
      res.end('ok')
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    proxy = await startInterceptingProxy({ target: upstreamUrl })
  })
  after(async () => {
    await proxy.stop()
    upstream.closeAllConnections()
    await new Promise<void>((resolve) => upstream.close(() => resolve()))
  })

  const port = (): number => Number(new URL(proxy.url).port)

  it('closes a connection that opens and resets streams in a flood (rapid reset, CVE-2023-44487)', async (t) => {
    const raw = await rawH2(port())
    await flood(
      raw.socket,
      (i) => {
        const id = 1 + 2 * i
        return Buffer.concat([
          frame(HEADERS, END_HEADERS | END_STREAM, id, getBlock('x')),
          frame(RST_STREAM, 0, id, Buffer.from([0, 0, 0, 8])),
        ])
      },
      20_000,
    )
    const ended = await raw.endedWithin(5000)
    t.diagnostic(`the proxy's answer: ${ended}`)
    raw.socket.destroy()
    assert.notEqual(ended, 'open', 'the connection was still served 5 s after 20,000 opened-and-reset streams')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('closes a connection that floods SETTINGS frames', async (t) => {
    const raw = await rawH2(port())
    await flood(raw.socket, () => frame(SETTINGS, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100])), 50_000)
    const ended = await raw.endedWithin(5000)
    t.diagnostic(`the proxy's answer: ${ended}`)
    raw.socket.destroy()
    assert.notEqual(ended, 'open', 'still served after 50,000 SETTINGS')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('closes a connection that floods PING frames', async (t) => {
    const raw = await rawH2(port())
    await flood(raw.socket, (i) => frame(PING, 0, 0, Buffer.alloc(8, i & 0xff)), 50_000)
    const ended = await raw.endedWithin(5000)
    t.diagnostic(`the proxy's answer: ${ended}`)
    raw.socket.destroy()
    assert.notEqual(ended, 'open', 'still served after 50,000 PINGs')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('closes a connection whose header block goes on in CONTINUATION frames without end (CVE-2024-27316 class)', async (t) => {
    const raw = await rawH2(port())
    raw.socket.write(frame(HEADERS, 0, 1, getBlock('x')))
    await flood(raw.socket, (i) => frame(CONTINUATION, 0, 1, literal(`x-${i}`, 'y'.repeat(100))), 20_000)
    const ended = await raw.endedWithin(5000)
    t.diagnostic(`the proxy's answer: ${ended}`)
    raw.socket.destroy()
    assert.notEqual(ended, 'open', 'still served after 20,000 CONTINUATION frames')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('closes a connection whose header block asks for a huge HPACK table', async (t) => {
    const raw = await rawH2(port())
    // A dynamic table size update to 2^24 - 1 (RFC 7541 §6.3), past the 4096 the proxy allowed: a compression error.
    const update = Buffer.from([0x3f, 0xe1, 0xff, 0xff, 0x07])
    raw.socket.write(frame(HEADERS, END_HEADERS | END_STREAM, 1, Buffer.concat([update, getBlock('x')])))
    const ended = await raw.endedWithin(5000)
    t.diagnostic(`the proxy's answer: ${ended}`)
    raw.socket.destroy()
    assert.equal(ended, 'goaway 9', 'a COMPRESSION_ERROR GOAWAY (RFC 7541 §4.2)')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('closes a connection whose preface is not HTTP/2 after all', async () => {
    const socket = net.connect(port(), '127.0.0.1')
    socket.on('error', () => {})
    socket.resume()
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\ngarbage garbage garbage')
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 5000)
      socket.once('close', () => {
        clearTimeout(t)
        resolve(true)
      })
    })
    socket.destroy()
    assert.ok(closed, 'the connection with an invalid preface was not closed within 5 s')
    assert.equal(await h2cGet(proxy.url), 200)
  })

  it('holds back the upstream, not memory, for a stream that never reads its response', async (t) => {
    written = 0
    const raw = await rawH2(port(), false)
    raw.socket.write(
      frame(
        HEADERS,
        END_HEADERS | END_STREAM,
        1,
        Buffer.concat([Buffer.from([0x82, 0x86]), literal(':path', '/endless'), literal(':authority', 'x')]),
      ),
    )
    await new Promise((r) => setTimeout(r, 1500))
    t.diagnostic(`the upstream wrote ${written} bytes for a client that reads nothing`)
    // The client's window (64 KiB), socket buffers and the pipes between: a few MiB at most, never the 256 MiB on offer.
    assert.ok(written < 32 * 1024 * 1024, `the upstream got to write ${written} bytes to a client that reads nothing`)
    assert.ok(written > 0, 'the upstream was never asked')
    assert.equal(await h2cGet(proxy.url), 200)
    raw.socket.destroy()
  })
})
