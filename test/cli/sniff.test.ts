import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import WebSocket from 'ws'
import { listeningUrl, runCli } from '../support/cli-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { websocketClock } from '../../electron/apps/websocket-clock.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'

const run = promisify(execFile)

test('nanoscope sniff prints the request as it was sent upstream (no Proxy-Connection, with Via) and the response', async (t) => {
  const upstream = await startUpstream((_req, res) => res.end('hi from upstream'))
  t.after(() => upstream.stop())
  const cli = runCli(['sniff', '--port', '0'])
  t.after(() => cli.stop('SIGKILL'))
  const url = listeningUrl(await cli.firstLine())
  await run('curl', [
    '-sS',
    '--max-time',
    '10',
    '-x',
    url,
    '-H',
    'Proxy-Connection: keep-alive',
    '-H',
    'X-Trace: 7',
    `${upstream.url}/hello`,
  ])
  assert.equal(await cli.stop('SIGTERM'), 0)
  const sent = upstream.requests[0]!.rawHeaders
  const printed = cli.stdout().split('\n').slice(1).join('\n')
  const [request, response] = printed.split(/\n(?=HTTP\/1\.1 )/)
  assert.match(request!, /^GET http:\/\/127\.0\.0\.1:\d+\/hello HTTP\/1\.1\n/)
  assert.doesNotMatch(request!, /Proxy-Connection/i)
  assert.ok(!sent.some((h) => /^proxy-connection$/i.test(h)), 'and the upstream did not get it either')
  assert.match(request!, /^Via: 1\.1 nanoscope$/m)
  assert.equal(sent[sent.findIndex((h) => /^via$/i.test(h)) + 1], '1.1 nanoscope', 'the printed Via is the one sent')
  assert.match(request!, /^X-Trace: 7$/m)
  assert.match(response!, /^HTTP\/1\.1 200 OK\n[\s\S]*\n\nhi from upstream\n/)
})

test('nanoscope sniff --out FILE writes the same text to the file, websocket frames included, and stdout keeps only its address', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-sniff-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const clock = await mountApp(websocketClock(50), { port: 0 })
  t.after(() => clock.stop())
  const out = join(dir, 'wire.txt')
  const cli = runCli(['sniff', '--port', '0', '--target', clock.server.url, '--out', out])
  t.after(() => cli.stop('SIGKILL'))
  const url = listeningUrl(await cli.firstLine())
  const ws = new WebSocket(`${url.replace('http:', 'ws:')}/tick`)
  t.after(() => ws.terminate())
  const got: string[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no two frames through the sniffer within 5 s')), 5000)
    ws.on('message', (d) => {
      got.push(d.toString())
      if (got.length === 2) {
        clearTimeout(timer)
        resolve()
      }
    })
    ws.once('error', reject)
  })
  ws.send('hello clock')
  await new Promise((resolve) => setTimeout(resolve, 200))
  ws.close(1000, 'bye')
  await new Promise((resolve) => ws.once('close', resolve))
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(await cli.stop('SIGTERM'), 0)
  assert.equal(cli.stdout().trim().split('\n').length, 1, `stdout: ${cli.stdout()}`)
  const text = readFileSync(out, 'utf8')
  const target = `${clock.server.url}/tick`
  assert.ok(text.startsWith(`GET ${target} HTTP/1.1\n`), text)
  assert.match(
    text,
    /^Upgrade: websocket\nSec-WebSocket-Extensions: [^\n]+\nHost: [^\n]+\nVia: 1\.1 nanoscope\n\nHTTP\/1\.1 101 Switching Protocols$/m,
  )
  assert.ok(text.includes(`\nws GET ${target} <- server text 24 bytes: ${got[0]!}\n`), 'the first tick')
  assert.ok(text.includes(`\nws GET ${target} -> client text 11 bytes: hello clock\n`), "the client's message")
  assert.ok(text.includes(`\nws GET ${target} -> client close 5 bytes: 1000 bye\n`), "the client's close")
})
