/**
 * nginx as a native anchor: a reverse proxy (`proxy_pass` with a keep-alive upstream pool, one worker, no logging,
 * nothing buffered to disk) in front of the bench's upstream, where nginx is installed (`/usr/sbin/nginx`, or
 * `$NANOSCOPE_NGINX`). `nginxBinary()` is undefined when it is not, and the bench skips the scenario, saying so.
 */
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuMicrosOf, killAndWait } from './serve-process.ts'

export function nginxBinary(): string | undefined {
  const candidates = [process.env.NANOSCOPE_NGINX, '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']
  return candidates.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p))
}

export interface NginxProxy {
  readonly url: string
  /** The master process (its worker is its child). */
  readonly pid: number
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

/** A port free a moment ago (nginx cannot listen on port 0 and say which port it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * What every nginx the bench starts has in common: one worker, its files in `dir` (which must hold the temp folders
 * `body`, `proxy`, `fastcgi`, `uwsgi` and `scgi`), no access log; it opens the `http` block, which the caller closes.
 */
export function nginxPrelude(dir: string): string {
  return `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;`
}

function config(port: number, upstream: URL, dir: string): string {
  return `${nginxPrelude(dir)}
  keepalive_requests 1000000;
  upstream origin { server ${upstream.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`
}

export function startNginx(upstreamUrl: string): Promise<NginxProxy> {
  return startNginxWith((port, dir) => config(port, new URL(upstreamUrl), dir))
}

/** The bench's bodies (as bench/upstream.ts serves them), as files nginx serves at `/1k` and `/64k`. */
function originConfig(port: number, dir: string): string {
  // nginx's worker drops root for nobody: the files and the folders above them must be readable by others.
  chmodSync(dir, 0o755)
  mkdirSync(join(dir, 'www'), { recursive: true, mode: 0o755 })
  const body = (bytes: number) => Buffer.alloc(bytes, 'abcdefghijklmnopqrstuvwxyz0123456789\n')
  writeFileSync(join(dir, 'www', '1k'), body(1024), { mode: 0o644 })
  writeFileSync(join(dir, 'www', '64k'), body(64 * 1024), { mode: 0o644 })
  return `${nginxPrelude(dir)}
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  sendfile on;
  open_file_cache max=16;
  default_type text/plain;
  server {
    listen 127.0.0.1:${port};
    location / { root ${dir}/www; }
  }
}
`
}

/** nginx as the origin: `/1k` and `/64k` from files (sendfile, keep-alive), one worker, no access log. */
export function startNginxOrigin(): Promise<NginxProxy> {
  return startNginxWith(originConfig)
}

async function startNginxWith(configFor: (port: number, dir: string) => string): Promise<NginxProxy> {
  const binary = nginxBinary()
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx-light)')
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-bench-nginx-'))
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub))
  let lastError = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    writeFileSync(join(dir, 'nginx.conf'), configFor(port, dir))
    const child = spawn(
      binary,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const url = `http://127.0.0.1:${port}`
    if (await answers(url, child, 5000)) {
      return {
        url,
        pid: child.pid ?? 0,
        cpuMicros: async () => {
          const workers = workersOf(child.pid ?? 0)
          return [child.pid ?? 0, ...workers].reduce((sum, pid) => sum + cpuMicrosOf(pid), 0)
        },
        stop: async () => {
          await killAndWait(child)
          rmSync(dir, { recursive: true, force: true })
        },
      }
    }
    await killAndWait(child)
    lastError = stderr.trim()
  }
  rmSync(dir, { recursive: true, force: true })
  throw new Error(`nginx did not start: ${lastError}`)
}

/** Whether `url` accepts connections before `timeoutMs` (polled every 50 ms) while the process lives. */
export async function answers(url: string, child: { exitCode: number | null }, timeoutMs: number): Promise<boolean> {
  const { port } = new URL(url)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1')
      socket.setTimeout(500)
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
      socket.once('timeout', () => {
        socket.destroy()
        resolve(false)
      })
    })
    if (ok) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

/** The worker processes of an nginx master (Linux: /proc/PID/task/PID/children). */
function workersOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}
