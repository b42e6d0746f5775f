import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { createSession } from '../../electron/recording/session-store.ts'
import { runCli } from '../support/cli-process.ts'
import { exchange, tempDir } from './support.ts'

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13])

/** A session of five requests: a GET with hop-by-hop headers, JSON, binary, text Artillery would template, a body with no type. */
async function writeSession(dir: string): Promise<void> {
  const writer = await createSession(dir, { name: 'shop' })
  const t0 = 1_700_000_000_000
  await writer.append(
    exchange({
      url: 'http://old.test/items?page=2&q=a%20b',
      startedAt: t0,
      durationMs: 100,
      requestHeaders: [
        ['Host', 'old.test'],
        ['Accept', 'application/json'],
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', '1'],
        ['Proxy-Connection', 'keep-alive'],
      ],
    }),
  )
  await writer.append(
    exchange({
      method: 'POST',
      url: 'http://old.test/cart',
      startedAt: t0 + 350,
      durationMs: 50,
      requestBody: '{"sku":"A-1","n":2}',
      requestHeaders: [
        ['Host', 'old.test'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '19'],
      ],
    }),
  )
  await writer.append(
    exchange({
      method: 'PUT',
      url: 'http://old.test/blob',
      startedAt: t0 + 400,
      durationMs: 10,
      requestBody: BINARY,
      requestHeaders: [
        ['Host', 'old.test'],
        ['Content-Type', 'application/octet-stream'],
      ],
    }),
  )
  await writer.append(
    exchange({
      method: 'POST',
      url: 'http://old.test/tmpl',
      startedAt: t0 + 1410,
      durationMs: 10,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the body holds ${…} on purpose, to show the exports do not read it as a variable
      requestBody: 'hello {{ name }} ${name}',
      requestHeaders: [
        ['Host', 'old.test'],
        ['Content-Type', 'text/plain'],
      ],
    }),
  )
  await writer.append(
    exchange({
      method: 'DELETE',
      url: 'http://old.test/cart/1',
      startedAt: t0 + 1420,
      durationMs: 10,
      requestBody: 'x',
      requestHeaders: [['Host', 'old.test']],
    }),
  )
  await writer.close()
}

interface ArtilleryRequest {
  name: string
  url: string
  followRedirect: boolean
  headers?: Record<string, string>
  body?: string
  beforeRequest?: string
}
type ArtilleryStep = { think?: string } & Record<string, unknown>

test('nanoscope export artillery writes a script that names each recorded request in order, with pauses and bodies', async () => {
  const t = await tempDir()
  try {
    const session = join(t.dir, 'session')
    await writeSession(session)
    const out = join(t.dir, 'load.yml')
    const cli = runCli([
      'export',
      'artillery',
      '--session',
      session,
      '--out',
      out,
      '--target',
      'http://127.0.0.1:9999/base',
    ])
    assert.equal(await cli.exited(), 0, cli.stderr())
    assert.match(cli.stderr(), /wrote 5 requests to .*load\.yml and 3 files to .*load\.bodies/)
    const script = parseYaml(await readFile(out, 'utf8')) as {
      config: { target: string; processor: string; phases: unknown[] }
      scenarios: Array<{ flow: ArtilleryStep[] }>
    }
    assert.equal(script.config.target, 'http://127.0.0.1:9999/base')
    assert.equal(script.config.phases.length, 1)
    const flow = script.scenarios[0]!.flow
    const requests = flow
      .filter((s) => s.think === undefined)
      .map((s) => Object.entries(s)[0] as [string, ArtilleryRequest])
    assert.deepEqual(
      requests.map(([method, r]) => `${method} ${r.url}`),
      ['get /items?page=2&q=a%20b', 'post /cart', 'put /blob', 'post /tmpl', 'delete /cart/1'],
    )
    assert.deepEqual(
      requests.map(([, r]) => r.name),
      ['#1 GET /items?page=2&q=a%20b', '#2 POST /cart', '#3 PUT /blob', '#4 POST /tmpl', '#5 DELETE /cart/1'],
    )
    assert.ok(
      requests.every(([, r]) => r.followRedirect === false),
      'Artillery must not follow redirects the recording did not',
    )
    // Idle time between one exchange's end and the next one's start: 350-100, 400-400 (none), 1410-410.
    assert.deepEqual(
      flow.filter((s) => s.think !== undefined).map((s) => s.think),
      ['250ms', '1000ms'],
    )
    const [get, cart, blob, tmpl] = requests.map(([, r]) => r)
    assert.deepEqual(
      get!.headers,
      { Accept: 'application/json' },
      'Host, Content-Length and hop-by-hop headers (and those Connection names) are left out',
    )
    assert.equal(cart!.body, '{"sku":"A-1","n":2}')
    assert.deepEqual(cart!.headers, { 'Content-Type': 'application/json' })
    assert.equal(blob!.body, undefined)
    assert.equal(tmpl!.body, undefined, 'a body holding {{ would be templated by Artillery, so it goes in a file')
    assert.equal(script.config.processor, './load.bodies/processor.cjs')

    // The processor module sets each file body, byte for byte.
    const processor = createRequire(import.meta.url)(join(t.dir, 'load.bodies', 'processor.cjs')) as Record<
      string,
      (p: { body?: unknown }, c: unknown, e: unknown, next: () => void) => void
    >
    for (const [r, expected] of [
      [blob!, BINARY],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the body holds ${…} on purpose, to show the exports do not read it as a variable
      [tmpl!, Buffer.from('hello {{ name }} ${name}')],
    ] as const) {
      const params: { body?: unknown } = {}
      let called = false
      processor[r.beforeRequest!]!(params, {}, {}, () => {
        called = true
      })
      assert.ok(called)
      assert.deepEqual(params.body, expected)
    }
  } finally {
    await t.remove()
  }
})

test('nanoscope export k6 writes a k6 script that, run against a stand-in for k6, sends each recorded request in order', async () => {
  const t = await tempDir()
  try {
    const session = join(t.dir, 'session')
    await writeSession(session)
    const out = join(t.dir, 'load.js')
    const cli = runCli(['export', 'k6', '--session', session, '--out', out, '--target', 'http://127.0.0.1:9999'])
    assert.equal(await cli.exited(), 0, cli.stderr())
    const script = await readFile(out, 'utf8')
    assert.match(script, /^import http from 'k6\/http'$/m)

    // k6 is not on npm: run the script under Node with stand-ins for its modules that note every call.
    const k6 = join(t.dir, 'node_modules', 'k6')
    await mkdir(k6, { recursive: true })
    await writeFile(
      join(k6, 'package.json'),
      JSON.stringify({ name: 'k6', type: 'module', exports: { '.': './index.js', './http': './http.js' } }),
    )
    await writeFile(
      join(k6, 'index.js'),
      'export const sleep = (s) => globalThis.k6calls.push(["sleep", s]); export const check = () => true; export const group = (n, f) => f()\n',
    )
    await writeFile(
      join(k6, 'http.js'),
      `const note = (method) => (url, ...rest) => { globalThis.k6calls.push([method, url, ...rest]); return { status: 200 } }
const http = { get: note('GET'), head: note('HEAD'), post: note('POST'), put: note('PUT'), patch: note('PATCH'), del: note('DELETE'), options: note('OPTIONS'),
  request: (method, url, ...rest) => note(method)(url, ...rest) }
export default http
`,
    )
    const calls: unknown[][] = []
    const g = globalThis as { k6calls?: unknown[][]; open?: (file: string, mode?: string) => unknown }
    g.k6calls = calls
    g.open = (file, mode) => {
      assert.equal(mode, 'b')
      return new Uint8Array(createRequire(import.meta.url)('node:fs').readFileSync(join(t.dir, file))).buffer
    }
    const module = join(t.dir, 'load.mjs')
    await writeFile(module, script)
    try {
      const mod = (await import(pathToFileURL(module).href)) as { default: () => void }
      mod.default()
    } finally {
      delete g.k6calls
      delete g.open
    }
    const requests = calls.filter((c) => c[0] !== 'sleep')
    assert.deepEqual(
      requests.map((c) => `${String(c[0])} ${String(c[1])}`),
      [
        'GET http://127.0.0.1:9999/items?page=2&q=a%20b',
        'POST http://127.0.0.1:9999/cart',
        'PUT http://127.0.0.1:9999/blob',
        'POST http://127.0.0.1:9999/tmpl',
        'DELETE http://127.0.0.1:9999/cart/1',
      ],
    )
    assert.deepEqual(
      calls.filter((c) => c[0] === 'sleep').map((c) => c[1]),
      [0.25, 1],
    )
    assert.equal(
      calls.findIndex((c) => c[0] === 'sleep'),
      1,
      'the first pause comes before the second request',
    )
    const [get, cart, blob, tmpl, del] = requests
    const headersOf = (params: unknown) => (params as { headers?: Record<string, string> }).headers ?? {}
    assert.deepEqual(
      Object.keys(headersOf(get![2])).map((n) => n.toLowerCase()),
      ['accept'],
    )
    assert.equal(cart![2], '{"sku":"A-1","n":2}')
    assert.deepEqual(
      Buffer.from(blob![2] as ArrayBuffer),
      BINARY,
      'a binary body is read from its file with open(file, "b")',
    )
    assert.equal(
      Buffer.from(tmpl![2] as ArrayBuffer).toString(),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the body holds ${…} on purpose, to show the exports do not read it as a variable
      'hello {{ name }} ${name}',
      'a body holding ${ is not read as an LI-HAR variable',
    )
    assert.equal(del![2], 'x')
    assert.deepEqual(headersOf(del![3]), {}, 'no Content-Type is added to a body recorded without one')
  } finally {
    await t.remove()
  }
})

test('nanoscope export names its engines, needs a session, and wants --out when bodies go in files', async () => {
  const t = await tempDir()
  try {
    const session = join(t.dir, 'session')
    await writeSession(session)
    const none = runCli(['export', 'jmeter', '--session', session])
    assert.equal(await none.exited(), 2)
    assert.match(none.stderr(), /export needs "k6" or "artillery", got "jmeter"/)
    const noSession = runCli(['export', 'k6'])
    assert.equal(await noSession.exited(), 2)
    assert.match(noSession.stderr(), /needs --session/)
    const noOut = runCli(['export', 'artillery', '--session', session])
    assert.equal(await noOut.exited(), 2)
    assert.match(noOut.stderr(), /2 request bodies that go in files beside the script: give --out FILE/)
    const max = runCli(['export', 'artillery', '--session', session, '--speed', 'max', '--out', join(t.dir, 'max.yml')])
    assert.equal(await max.exited(), 0, max.stderr())
    assert.doesNotMatch(await readFile(join(t.dir, 'max.yml'), 'utf8'), /think/)
  } finally {
    await t.remove()
  }
})
