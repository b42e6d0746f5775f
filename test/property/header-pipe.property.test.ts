/**
 * Header handling through the real adapters: raw request headers go client → server adapter → client adapter →
 * upstream, and raw response headers come back the same way, keeping order, case and duplicates for any valid
 * token names and field values (RFC 9110 §5.1, §5.5).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { nodeClient } from '../../electron/core/client/node-client.ts'
import { withTarget } from '../../electron/core/message.ts'
import { startServer, type RunningServer } from '../../electron/core/server/node-server.ts'
import { rawExchange, splitResponse, tcpServer, type Listening } from '../core/server/net-fixtures.ts'

/** Names the adapters legitimately add, drop or re-frame; everything else must arrive untouched. */
const MANAGED = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'date',
  'proxy-connection',
  'http2-settings',
])

const tokenName = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,16}$/).filter((n) => !MANAGED.has(n.toLowerCase()))
/** A field value: visible ASCII and obs-text with inner spaces and tabs, no leading or trailing whitespace. */
const fieldValue = fc
  .string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 24,
  })
  .map((v) => v.trim())
/** Mostly a few repeated names in varied case, so duplicates and case variants are common. */
const headerList = fc.array(
  fc.tuple(fc.oneof(tokenName, fc.constantFrom('X-Dup', 'x-dup', 'X-DUP', 'Set-Cookie', 'set-cookie')), fieldValue),
  { minLength: 1, maxLength: 20 },
)

let proxy: RunningServer
let upstream: Listening
const client = nodeClient({ timeoutMs: 2000 })
let reply = ''
let seenHead = ''

before(async () => {
  upstream = await tcpServer((socket) => {
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      seenHead = head.slice(0, head.indexOf('\r\n\r\n'))
      head = ''
      socket.write(reply, 'latin1')
    })
  })
  proxy = await startServer(async function toUpstream(req) {
    return client(withTarget(req, upstream.url + req.target))
  })
})
after(async () => {
  await proxy.stop()
  client.close()
  await upstream.close()
})

const unmanaged = (lines: string[]): Array<[string, string]> =>
  lines
    .map((line): [string, string] => {
      const at = line.indexOf(':')
      return [line.slice(0, at), line.slice(at + 1).trim()]
    })
    .filter(([n]) => !MANAGED.has(n.toLowerCase()))

test('raw request and response headers pass through server and client adapters in order, case and duplicates', async () => {
  await fc.assert(
    fc.asyncProperty(headerList, headerList, async (requestHeaders, responseHeaders) => {
      reply = `HTTP/1.1 200 OK\r\n${responseHeaders.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Content-Length: 2\r\n\r\nok`
      const { received, socket } = await rawExchange(
        proxy.port,
        Buffer.from(
          `GET /p HTTP/1.1\r\nHost: h\r\n${requestHeaders.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`,
          'latin1',
        ),
      )
      socket.destroy()
      const sent = seenHead.split('\r\n')
      assert.equal(sent[0], 'GET /p HTTP/1.1')
      assert.deepEqual(unmanaged(sent.slice(1)), requestHeaders, 'request headers upstream')
      const { lines, body } = splitResponse(received)
      assert.equal(lines[0], 'HTTP/1.1 200 OK')
      assert.deepEqual(unmanaged(lines.slice(1)), responseHeaders, 'response headers at the client')
      assert.equal(body.toString(), 'ok')
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
  )
})
