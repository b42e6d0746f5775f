import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'

/**
 * A served tree and, beside it, a secret it must never reveal:
 *   <base>/root/{index.html, styles.css, ..., sub/index.html, empty/, inside-link -> styles.css,
 *                .env, .git/config, sub/.hidden/x.txt, .well-known/security.txt,
 *                out-file -> ../secret/passwd, out-dir -> ../secret}
 *   <base>/secret/passwd
 */
export function makeTree(): { base: string; root: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), 'nanoscope-static-'))
  const root = join(base, 'root')
  mkdirSync(join(root, 'sub'), { recursive: true })
  mkdirSync(join(root, 'empty'))
  mkdirSync(join(base, 'secret'))
  writeFileSync(join(base, 'secret', 'passwd'), 'TOP SECRET\n')
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>\n')
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>sub</h1>\n')
  const files: Record<string, string> = {
    'styles.css': 'body{}',
    'app.js': 'x()',
    'mod.mjs': 'export {}',
    'data.json': '{}',
    'code.wasm': 'w',
    'pic.svg': '<svg/>',
    'pic.png': 'p',
    'pic.jpeg': 'j',
    'pic.jpg': 'j',
    'pic.webp': 'w',
    'pic.gif': 'g',
    'favicon.ico': 'i',
    'font.woff2': 'f',
    'app.js.map': '{}',
    'notes.txt': 'hello',
    'doc.pdf': '%PDF',
    'blob.bin': 'b',
    README: 'r',
    'digits.txt': '0123456789',
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(root, name), content)
  mkdirSync(join(root, '.git'))
  mkdirSync(join(root, '.well-known'))
  mkdirSync(join(root, 'sub', '.hidden'))
  writeFileSync(join(root, '.env'), 'API_KEY=secret\n')
  writeFileSync(join(root, '.git', 'config'), '[core]\n')
  writeFileSync(join(root, 'sub', '.hidden', 'x.txt'), 'x')
  writeFileSync(join(root, '.well-known', 'security.txt'), 'Contact: mailto:a@b\n')
  symlinkSync('styles.css', join(root, 'inside-link.css'))
  symlinkSync(join(base, 'secret', 'passwd'), join(root, 'out-file'))
  symlinkSync(join(base, 'secret'), join(root, 'out-dir'))
  return { base, root, remove: () => rmSync(base, { recursive: true, force: true }) }
}

export interface RawResponse {
  readonly status: number
  readonly head: string
  readonly body: Buffer
}

/** Sends bytes exactly as given (so nothing normalises `..`) and reads the response until the server closes. */
export function rawRequest(port: number, request: string, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no complete response within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      const all = Buffer.concat(chunks)
      const end = all.indexOf('\r\n\r\n')
      const head = all.subarray(0, end < 0 ? all.length : end).toString('latin1')
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: all.subarray(end < 0 ? all.length : end + 4),
      })
    })
    socket.write(request)
  })
}

export const get = (path: string, extra = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`
