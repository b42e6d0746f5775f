/**
 * What `nanoscope serve` lets a browser (or a page on another site) do, over real sockets: which files it serves and
 * how, which Host, Origin, method and token it answers to, and what a malformed message costs.
 * One Host and one UI server for the file; each test sends raw requests so nothing normalises what goes out.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { Host } from '../../electron/host/host.ts'
import { startWebUi, type RunningWebUi } from '../../electron/web/serve.ts'
import { UI_CSP } from '../../electron/web/built-files.ts'
import { connectContract } from '../support/contract-client.ts'
import { rawRequest, type RawResponse } from '../static/fixtures.ts'

const base = mkdtempSync(join(tmpdir(), 'nanoscope-ui-guards-'))
const staticDir = join(base, 'ui')
mkdirSync(join(staticDir, 'assets'), { recursive: true })
mkdirSync(join(base, 'ui-private'))
writeFileSync(join(staticDir, 'index.html'), '<title>Nanoscope</title>')
const files: Record<string, string> = {
  'assets/app.js': 'x()',
  'assets/app.css': 'b{}',
  'assets/logo.svg': '<svg/>',
  'assets/logo.png': 'p',
  'favicon.ico': 'i',
  'assets/data.json': '{}',
  'assets/app.js.map': '{}',
  'assets/font.woff2': 'f',
  'assets/blob.wasm': 'w',
}
for (const [name, content] of Object.entries(files)) writeFileSync(join(staticDir, name), content)
writeFileSync(join(base, 'ui-private', 'secret.txt'), 'TOP SECRET')
writeFileSync(join(base, 'outside.txt'), 'TOP SECRET')

let host: Host
let ui: RunningWebUi
before(async () => {
  host = new Host()
  ui = await startWebUi(host, { staticDir })
})
after(async () => {
  await ui.stop()
  await host.stop()
  rmSync(base, { recursive: true, force: true })
})

/** Sends a raw request head and reads the response, its chunked body (error pages are chunked) decoded. */
async function send(head: string): Promise<RawResponse> {
  const res = await rawRequest(ui.port, `${head}\r\nConnection: close\r\n\r\n`)
  if (!/^transfer-encoding: chunked$/im.test(res.head)) return res
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const line = res.body.indexOf('\r\n', at)
    const size = Number.parseInt(res.body.subarray(at, line).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(res.body.subarray(line + 2, line + 2 + size))
    at = line + 2 + size + 2
  }
  return { ...res, body: Buffer.concat(parts) }
}
const ours = (): string => `Host: 127.0.0.1:${ui.port}`
const header = (res: RawResponse, name: string): string | undefined =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(res.head)?.[1]
const upgrade = (path: string, headers: string[]): Promise<RawResponse> =>
  send(
    [
      `GET ${path} HTTP/1.1`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ...headers,
    ].join('\r\n'),
  )

test('the UI is served at / as its index.html, with its CSP, nosniff, no-cache and its exact length', async () => {
  const res = await send(`GET / HTTP/1.1\r\n${ours()}`)
  assert.equal(res.status, 200)
  assert.equal(res.body.toString(), '<title>Nanoscope</title>')
  assert.equal(header(res, 'Content-Type'), 'text/html; charset=utf-8')
  assert.equal(header(res, 'Content-Length'), '24')
  assert.equal(header(res, 'Content-Security-Policy'), UI_CSP)
  assert.match(UI_CSP, /^default-src 'self'; script-src 'self';/)
  assert.match(UI_CSP, /object-src 'none'; base-uri 'none'; frame-ancestors 'none'$/)
  assert.equal(header(res, 'X-Content-Type-Options'), 'nosniff')
  assert.equal(header(res, 'Cache-Control'), 'no-cache')
})

test('each built asset is served with the content type of its extension, octet-stream otherwise', async () => {
  const expected: Record<string, string> = {
    '/assets/app.js': 'text/javascript; charset=utf-8',
    '/assets/app.css': 'text/css; charset=utf-8',
    '/assets/logo.svg': 'image/svg+xml',
    '/assets/logo.png': 'image/png',
    '/favicon.ico': 'image/x-icon',
    '/assets/data.json': 'application/json',
    '/assets/app.js.map': 'application/json',
    '/assets/font.woff2': 'font/woff2',
    '/assets/blob.wasm': 'application/octet-stream',
  }
  for (const [path, type] of Object.entries(expected)) {
    const res = await send(`GET ${path} HTTP/1.1\r\n${ours()}`)
    assert.equal(res.status, 200, path)
    assert.equal(header(res, 'Content-Type'), type, path)
    assert.equal(res.body.toString(), files[path.slice(1)], path)
  }
})

test('a HEAD says the length and sends no body', async () => {
  const res = await send(`HEAD /assets/app.js HTTP/1.1\r\n${ours()}`)
  assert.equal(res.status, 200)
  assert.equal(header(res, 'Content-Length'), '3')
  assert.equal(res.body.length, 0)
})

test('a file in a sibling folder that shares the UI folder name as a prefix is not served', async () => {
  for (const path of ['/../ui-private/secret.txt', '/..%2fui-private%2fsecret.txt', '/%2e%2e/outside.txt']) {
    const res = await send(`GET ${path} HTTP/1.1\r\n${ours()}`)
    assert.equal(res.status, 404, path)
    assert.equal(res.body.toString(), 'Not found\n', path)
  }
})

test('a folder, a missing file and a NUL in the path are each a plain 404', async () => {
  for (const path of ['/assets', '/assets/', '/nothing.js', '/index.html%00.js']) {
    const res = await send(`GET ${path} HTTP/1.1\r\n${ours()}`)
    assert.equal(res.status, 404, path)
    assert.equal(header(res, 'Content-Type'), 'text/plain; charset=utf-8', path)
  }
})

test('a path that does not percent-decode is served the index rather than failing', async () => {
  const res = await send(`GET /%E0%A4%A HTTP/1.1\r\n${ours()}`)
  assert.equal(res.status, 200)
  assert.equal(res.body.toString(), '<title>Nanoscope</title>')
})

test('the UI answers to 127.0.0.1, localhost and [::1] at its port, in any case, and to nothing else', async () => {
  for (const name of ['127.0.0.1', 'localhost', 'LocalHost', '[::1]']) {
    assert.equal((await send(`GET / HTTP/1.1\r\nHost: ${name}:${ui.port}`)).status, 200, name)
  }
  for (const hostLine of [`Host: rebind.example:${ui.port}`, 'Host: 127.0.0.1', `Host: 127.0.0.1:${ui.port + 1}`]) {
    const res = await send(`GET / HTTP/1.1\r\n${hostLine}`)
    assert.equal(res.status, 421, hostLine)
    assert.equal(res.body.toString(), 'This server answers only to its own address.\n')
    assert.equal(header(res, 'Content-Type'), 'text/plain; charset=utf-8')
  }
  assert.equal((await send('GET / HTTP/1.0')).status, 421, 'no Host at all')
})

test('only GET and HEAD are served', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const res = await send(`${method} / HTTP/1.1\r\n${ours()}\r\nContent-Length: 0`)
    assert.equal(res.status, 405, method)
    assert.equal(res.body.toString(), 'Only GET and HEAD are served here.\n', method)
    assert.equal(header(res, 'Content-Type'), 'text/plain; charset=utf-8', method)
  }
})

test('the socket is only at /api/ws, only for our Host and Origin, and only with the token', async () => {
  const token = `token=${ui.token}`
  const cases: Array<[string, string[], string]> = [
    [`/ws?${token}`, [ours()], '404 Not Found'],
    [`/api/ws?${token}`, [`Host: rebind.example:${ui.port}`], '421 Misdirected Request'],
    [`/api/ws?${token}`, [ours(), 'Origin: https://evil.example'], '403 Forbidden'],
    [`/api/ws?${token}`, [ours(), `Origin: http://127.0.0.1:${ui.port + 1}`], '403 Forbidden'],
    ['/api/ws', [ours()], '401 Unauthorized'],
    ['/api/ws?token=wrong', [ours()], '401 Unauthorized'],
  ]
  for (const [path, headers, status] of cases) {
    const res = await upgrade(path, headers)
    assert.equal(res.head.split('\r\n')[0], `HTTP/1.1 ${status}`, `${path} ${headers.join(' ')}`)
  }
  for (const origin of [`http://localhost:${ui.port}`, `HTTP://[::1]:${ui.port}`]) {
    const client = await connectContract(`ws://127.0.0.1:${ui.port}/api/ws?${token}`, { origin })
    client.close()
  }
})

test('the URL it prints carries the host, the port and the token', () => {
  assert.equal(ui.url, `http://127.0.0.1:${ui.port}/?token=${ui.token}`)
  assert.match(ui.token, /^[0-9a-f]{48}$/)
})

test('a message that is not JSON closes the socket with 1003; one that is not a command is ignored', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token}`)
  const replies: string[] = []
  ws.on('message', (data) => replies.push(String(data)))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  for (const ignored of ['null', '42', '[1]', '{"type":"event","id":1}', '{"type":"command","id":"1","name":"x"}']) {
    ws.send(ignored)
  }
  ws.send(JSON.stringify({ type: 'command', id: 7, name: 'no-such-command' }))
  const closed = new Promise<[number, string]>((resolve) =>
    ws.once('close', (code, why) => resolve([code, String(why)])),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no result for command 7 within 3 s')), 3000)
    const check = () => {
      if (replies.some((r) => JSON.parse(r).type === 'result')) {
        clearTimeout(timer)
        resolve()
      } else setTimeout(check, 10)
    }
    check()
  })
  const results = replies.map((r) => JSON.parse(r)).filter((m) => m.type === 'result')
  assert.equal(results.length, 1, 'only the real command was answered')
  assert.equal(results[0].id, 7)
  assert.equal(results[0].ok, false)
  assert.equal(typeof results[0].error, 'string')
  ws.send('not json')
  const code = await Promise.race([closed, new Promise<[number, string]>((r) => setTimeout(() => r([-1, '']), 3000))])
  assert.deepEqual(code, [1003, 'messages must be JSON'])
})

test('a UI bound to an IPv6 address prints it in brackets', async (t) => {
  const v6 = await startWebUi(host, { staticDir, host: '::1', token: 'fixed' }).catch(() => undefined)
  if (!v6) return t.skip('no IPv6 loopback on this machine')
  try {
    assert.equal(v6.url, `http://[::1]:${v6.port}/?token=fixed`)
    assert.equal(v6.token, 'fixed')
  } finally {
    await v6.stop()
  }
})

test('a UI asked for a port listens on exactly that port, and one asked for a port in use fails to start', async () => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const port = (taken.address() as net.AddressInfo).port
  try {
    await assert.rejects(startWebUi(host, { staticDir, port }), /EADDRINUSE/)
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()))
  }
  const exact = await startWebUi(host, { staticDir, port })
  try {
    assert.equal(exact.port, port)
    assert.equal(
      (await rawRequest(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).status,
      200,
    )
  } finally {
    await exact.stop()
  }
})

test('stopping the UI closes idle keep-alive connections, requests half sent and websockets at once', async () => {
  const other = await startWebUi(host, { staticDir })
  const idle = net.connect(other.port, '127.0.0.1')
  const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()))
  idle.on('error', () => {})
  idle.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n\r\n`)
  await new Promise((resolve) => idle.once('data', resolve))
  const midRequest = net.connect(other.port, '127.0.0.1')
  const midClosed = new Promise<void>((resolve) => midRequest.once('close', () => resolve()))
  midRequest.on('error', () => {})
  await new Promise((resolve) => midRequest.once('connect', resolve))
  midRequest.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n`)
  const ws = new WebSocket(`ws://127.0.0.1:${other.port}/api/ws?token=${other.token}`)
  ws.on('error', () => {})
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const wsClosed = new Promise<void>((resolve) => ws.once('close', () => resolve()))
  const stopped = other.stop()
  const inTime = (what: Promise<unknown>, label: string) =>
    Promise.race([what, new Promise((_, reject) => setTimeout(() => reject(new Error(`${label} within 2 s`)), 2000))])
  await inTime(stopped, 'stop() resolved')
  await inTime(idleClosed, 'the idle keep-alive connection closed')
  await inTime(wsClosed, 'the websocket closed')
  await inTime(midClosed, 'a connection in the middle of its request closed')
})
