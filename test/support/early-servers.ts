/**
 * Real servers that answer a request before reading its body, for the early-response tests: Python's
 * `http.server` (501 to a POST, then it closes), `early-answer-server.py` (any status, head read only, then a
 * close that resets the client's writes; plain or TLS), and nginx with `client_max_body_size` (413).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface RealServer {
  readonly port: number
  stop(): Promise<void>
}

const EARLY_ANSWER = fileURLToPath(new URL('./early-answer-server.py', import.meta.url))
export const NGINX = '/usr/sbin/nginx'

/** Python's own `http.server`: it has no POST handler, so it answers 501 without reading the body, and closes. */
export function pythonHttpServer(): Promise<RealServer> {
  return started(
    spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    /port (\d+)/,
  )
}

/**
 * Answers `status` after the request head, with the body unread, and closes (status 0: closes without answering);
 * TLS when given a certificate and key file.
 */
export function earlyAnswerServer(status: number, tls?: { certFile: string; keyFile: string }): Promise<RealServer> {
  const args = [EARLY_ANSWER, String(status), ...(tls ? [tls.certFile, tls.keyFile] : [])]
  return started(spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'] }), /^(\d+)/m)
}

/**
 * nginx (single process, in the foreground) with a 1 MiB upload limit, over TLS when given a certificate and key
 * file; undefined when nginx is not installed.
 */
export async function nginxWithBodyLimit(
  dir: string,
  tls?: { certFile: string; keyFile: string },
): Promise<RealServer | undefined> {
  if (!existsSync(NGINX)) return undefined
  const port = await freePort()
  mkdirSync(join(dir, 'logs'), { recursive: true })
  const conf = join(dir, 'nginx.conf')
  writeFileSync(
    conf,
    [
      'daemon off;',
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')};`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${join(dir, 'body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      `  server { listen 127.0.0.1:${port}${tls ? ' ssl' : ''}; client_max_body_size 1m; location / { return 200 "accepted\\n"; }`,
      ...(tls ? [`    ssl_certificate ${tls.certFile};`, `    ssl_certificate_key ${tls.keyFile};`] : []),
      '  }',
      '}',
      '',
    ].join('\n'),
  )
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'logs', 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await untilListening(port, child)
  return { port, stop: () => stopChild(child) }
}

function started(child: ChildProcess, portLine: RegExp): Promise<RealServer> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`server did not print its port within 10 s: ${out}`))
    }, 10_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = portLine.exec(out)
      if (!match) return
      clearTimeout(timer)
      resolve({ port: Number(match[1]), stop: () => stopChild(child) })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}) before listening: ${out}`))
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000)
    child.once('exit', () => {
      clearTimeout(hard)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function untilListening(port: number, child: ChildProcess): Promise<void> {
  const end = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode} before listening`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > end) {
      await stopChild(child)
      throw new Error(`nginx did not listen on ${port} within 10 s`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}
