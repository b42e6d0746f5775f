/**
 * Real HTTP/2 counterparts for the h2 tests: a node:http2 upstream (h2 over TLS only, or h2c only) that answers
 * what it was asked, sends 1 MiB on `/big` and gRPC-shaped answers with trailers on `/grpc`, and a bounded runner
 * for the command-line counterparts (curl, nghttp, nghttpd, h2load).
 */
import http2 from 'node:http2'
import net from 'node:net'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { LeafMinter } from '../../../electron/tls/leaf-minter.ts'

/** 1 MiB whose every byte depends on its offset, so a reordered or dropped chunk shows. */
export const BIG: Buffer = Buffer.from(Buffer.alloc(1 << 20, 0).map((_, i) => (i * 7 + (i >> 11)) & 0xff))

export interface H2Upstream {
  readonly port: number
  readonly url: string
  /** What the upstream saw of each request: the pseudo-headers and regular ones, as received. */
  readonly seen: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers?: http2.IncomingHttpHeaders }>
  stop(): Promise<void>
}

/** A node:http2 server on 127.0.0.1:0 that speaks only h2 (TLS with a leaf from `minter`) or only h2c. */
export async function startH2Upstream(minter?: LeafMinter, host = 'localhost'): Promise<H2Upstream> {
  const seen: H2Upstream['seen'] = []
  const server = minter
    ? http2.createSecureServer({ key: minter.keyPem, cert: (await minter.mint(host)).certPem, allowHTTP1: false })
    : http2.createServer()
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    const entry: H2Upstream['seen'][number] = { headers, body: Buffer.alloc(0) }
    seen.push(entry)
    stream.on('trailers', (t) => {
      entry.trailers = t
    })
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('error', () => {})
    stream.on('end', () => {
      entry.body = Buffer.concat(chunks)
      const path = String(headers[':path'])
      if (path === '/big') {
        stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': BIG.length })
        stream.end(BIG)
      } else if (path.startsWith('/grpc')) {
        // A gRPC answer: one length-prefixed message, then the status in trailers.
        const message = Buffer.from('pong')
        const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message])
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true })
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'fine' }))
        stream.end(frame)
      } else {
        stream.respond({ ':status': 200, 'content-type': 'text/plain', 'x-upstream': 'h2' })
        stream.end(`hello over h2 ${headers[':method']} ${path} for ${headers[':authority']}`)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', (s) => {
    sessions.add(s)
    s.once('close', () => sessions.delete(s))
  })
  return {
    port,
    url: `${minter ? 'https' : 'http'}://${minter ? host : '127.0.0.1'}:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program to its end, killed after `timeoutMs`. */
export function run(program: string, args: string[], timeoutMs = 15_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 8 << 20, encoding: 'latin1' }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** A port free a moment ago, for programs that cannot take port 0 (nghttpd). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** Waits until something accepts TCP connections on the port, for at most `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Starts a long-running program; `stop` kills it and waits for it to exit (at most 5 s). */
export function startProgram(program: string, args: string[]): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr?.resume()
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve()
          return
        }
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          resolve()
        }, 5000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

/**
 * nghttpd, an h2c-only server, on a free port of 127.0.0.1, serving `/page.txt` ("from nghttpd\n") with the trailer
 * `x-end: yes`; `stop` kills it and removes its folder.
 */
export async function startNghttpdWithTrailer(): Promise<{ port: number; stop(): Promise<void> }> {
  const docs = mkdtempSync(join(tmpdir(), 'nanoscope-nghttpd-'))
  writeFileSync(join(docs, 'page.txt'), 'from nghttpd\n')
  const port = await freePort()
  const server = startProgram('nghttpd', [
    '--no-tls',
    '-a',
    '127.0.0.1',
    '-d',
    docs,
    '--trailer',
    'x-end: yes',
    String(port),
  ])
  const stop = async (): Promise<void> => {
    await server.stop()
    rmSync(docs, { recursive: true, force: true })
  }
  try {
    await waitForPort(port)
  } catch (error) {
    await stop()
    throw error
  }
  return { port, stop }
}
