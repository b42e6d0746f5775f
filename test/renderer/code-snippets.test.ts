import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExchangeDetail } from '../../shared/exchange.ts'
import { toCurl } from '../../renderer/src/lib/curl.ts'
import { toFetch, toHttpie, toPythonRequests } from '../../renderer/src/lib/code-snippets.ts'
import { startUpstream, type TestUpstream } from '../support/upstream.ts'
import { needs } from '../support/counterparts.ts'

const hasPythonRequests = spawnSync('python3', ['-c', 'import requests'], { timeout: 10_000 }).status === 0
const hasHttpie = spawnSync('http', ['--version'], { timeout: 10_000 }).status === 0

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} failed: ${stderr || error.message}`)) : resolve(),
    )
  })
}

function requestTo(upstream: TestUpstream, body: Buffer): ExchangeDetail {
  return {
    method: 'PATCH',
    url: `${upstream.url}/things?x=1&y=%20z`,
    requestHeaders: [
      ['Host', `127.0.0.1:${upstream.port}`],
      ['X-Order', 'one'],
      ['Content-Type', 'application/octet-stream'],
      ['X-Dup', 'a'],
      ['X-Dup', 'b'],
      ['X-Quote', `it's "quoted" $HOME`],
      ['Content-Length', String(body.length)],
    ],
    requestBody: { base64: body.toString('base64'), size: body.length, truncated: false },
  } as unknown as ExchangeDetail
}

/** What the server received, in the terms every snippet must repeat exactly. */
function received(upstream: TestUpstream) {
  const r = upstream.requests.at(-1)!
  const values = (name: string) =>
    r.rawHeaders.flatMap((h, i) => (i % 2 === 0 && h.toLowerCase() === name ? [r.rawHeaders[i + 1]!] : []))
  return {
    method: r.method,
    url: r.url,
    body: r.body.toString('base64'),
    order: values('x-order'),
    type: values('content-type'),
    dup: values('x-dup').join(', '),
    quote: values('x-quote'),
  }
}

const bodies = {
  text: Buffer.from('{"name": "café", "quote": "it\'s"}\nline two', 'utf8'),
  binary: Buffer.from([0, 1, 2, 255, 254, 0x80, 10, 13, 39]),
}

for (const [kind, body] of Object.entries(bodies)) {
  test(`copied as curl, fetch, Python requests and HTTPie, a request with a ${kind} body reaches a real server exactly as it was`, async (t) => {
    const upstream = await startUpstream((_req, res) => res.end('ok'))
    const dir = mkdtempSync(join(tmpdir(), 'nanoscope-snippets-'))
    t.after(async () => {
      await upstream.stop()
      rmSync(dir, { recursive: true, force: true })
    })
    const e = requestTo(upstream, body)
    const expected = {
      method: 'PATCH',
      url: '/things?x=1&y=%20z',
      body: body.toString('base64'),
      order: ['one'],
      type: ['application/octet-stream'],
      dup: 'a, b',
      quote: [`it's "quoted" $HOME`],
    }

    await t.test('fetch', async () => {
      const file = join(dir, 'snippet.mjs')
      writeFileSync(file, `${toFetch(e)}\nif (response.status !== 200) process.exit(1)\n`)
      await run(process.execPath, [file])
      assert.deepEqual(received(upstream), expected)
    })
    await t.test('Python requests', { skip: hasPythonRequests ? false : 'needs python3 with requests' }, async () => {
      const file = join(dir, 'snippet.py')
      writeFileSync(file, `${toPythonRequests(e)}\nassert response.status_code == 200\n`)
      await run('python3', [file])
      assert.deepEqual(received(upstream), expected)
    })
    if (kind === 'text') {
      await t.test('curl', { skip: needs('curl') }, async () => {
        await run('sh', ['-c', `${toCurl(e, undefined)} -s -o /dev/null`])
        assert.deepEqual(received(upstream), expected)
      })
    }
    await t.test(
      'HTTPie',
      { skip: hasHttpie ? false : needs('http') || 'needs HTTPie (http), which does not run here' },
      async () => {
        await run('sh', ['-c', `${toHttpie(e)} > /dev/null`])
        assert.deepEqual(received(upstream), expected)
      },
    )
  })
}
