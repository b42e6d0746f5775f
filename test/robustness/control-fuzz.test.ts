/**
 * Bad control input: every command of the UI contract, driven with fuzzed payloads of every type structured
 * clone or JSON can carry, must answer or throw an Error with a message — never anything else, never a crash —
 * and leave the host's state sound. The `serve` WebSocket must shrug off non-JSON, JSON that is not a command,
 * and messages over its size limit, with the server still answering afterwards.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import WebSocket from 'ws'
import { COMMAND_NAMES, isCommandName } from '../../shared/contract.ts'
import { DEFAULT_SETTINGS } from '../../shared/exchange.ts'
import { validateArgs } from '../../shared/validate.ts'
import { Host } from '../../electron/host/host.ts'
import { startWebUi } from '../../electron/web/serve.ts'
import { connectContract } from '../support/contract-client.ts'
import { crashGuard, within } from './fixtures.ts'

const guard = crashGuard()
after(() => guard.remove())

const RUNS = Number(process.env.FUZZ_RUNS ?? 400)

/** Anything structured clone (Electron IPC) or JSON (the WebSocket) can deliver, nested. */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  maxDepth: 3,
})

/** Objects with the contract's own field names, holding the wrong (or occasionally the right) kinds of value. */
const nearlyRightArgs = fc.record(
  {
    id: fc.oneof(fc.constant('L1'), fc.string(), anyValue),
    listenerId: fc.oneof(fc.constant('L1'), fc.string(), anyValue),
    sessionId: fc.oneof(fc.string(), anyValue),
    name: fc.oneof(fc.string(), fc.constantFrom('../../etc/passwd', '..', '/', 'a/b', 'CON', '.'), anyValue),
    fileName: fc.oneof(fc.string(), fc.constantFrom('../escape.har', '/tmp/x.har', '.har'), anyValue),
    content: fc.oneof(
      fc.string(),
      fc.constantFrom('{}', '{"log":{}}', '{"log":{"entries":[{}]}}', '{"log":{"entries":null}}'),
      anyValue,
    ),
    active: fc.oneof(fc.boolean(), anyValue),
    stages: fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyValue),
    dir: fc.oneof(fc.string(), anyValue),
    intervalMs: fc.oneof(fc.integer({ min: -1, max: 100_000 }), anyValue),
    speed: fc.oneof(fc.double(), fc.constant('max'), anyValue),
    concurrency: fc.oneof(fc.integer(), anyValue),
    limit: fc.oneof(fc.integer(), anyValue),
    kind: fc.oneof(fc.constantFrom('proxy', 'latency', 'sniff', 'PROXY', ''), anyValue),
    mode: fc.oneof(fc.constantFrom('forward', 'reverse'), anyValue),
    target: fc.oneof(
      fc.constantFrom('http://127.0.0.1:9/', 'not a url', 'ftp://x/', 'http://u@h/?q#f'),
      fc.string(),
      anyValue,
    ),
    httpsUpstream: fc.oneof(fc.boolean(), anyValue),
    host: fc.oneof(fc.constantFrom('127.0.0.1', '::1', 'no-such-host.invalid', ''), anyValue),
    port: fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.double(), anyValue),
    bodyCapBytes: fc.oneof(fc.integer(), fc.double(), anyValue),
    maxExchanges: fc.oneof(fc.integer(), fc.constant(0), anyValue),
    maxTotalBodyBytes: fc.oneof(fc.integer(), fc.double(), anyValue),
    __proto__: fc.constant({ polluted: true }),
    constructor: anyValue,
    extra: anyValue,
  },
  { requiredKeys: [] },
)

const commandName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ''), anyValue),
  },
)

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS).sort()

const scratchDirs: string[] = []
after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true })
})

/** A host whose sessions live in a fresh temporary folder, never the user's data directory. */
function scratchHost(): Host {
  const sessionsRoot = mkdtempSync(join(tmpdir(), 'nanoscope-fuzz-sessions-'))
  scratchDirs.push(sessionsRoot)
  return new Host({ sessionsRoot })
}

test(`${RUNS} commands with fuzzed payloads only ever answer or throw an Error with a message, and the host stays sound`, async () => {
  const host = scratchHost()
  const events: Array<{ name: string; payload: unknown }> = []
  const connection = host.connectWindow((name, payload) => {
    events.push({ name, payload })
  })
  await connection.dispatch('startListener', { kind: 'proxy', mode: 'forward', host: '127.0.0.1', port: 0 }) // L1, for chaos and recording
  let answered = 0
  let refused = 0
  try {
    await fc.assert(
      fc.asyncProperty(commandName, fc.oneof(anyValue, nearlyRightArgs), async (name, raw) => {
        const args = keepItLocal(host, name, raw)
        if (args === SKIP) return
        try {
          const value = await connection.dispatch(name, args)
          answered += 1
          assert.doesNotThrow(() => JSON.stringify(value), 'a result is plain serialisable data')
        } catch (error) {
          refused += 1
          assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`)
          assert.ok(error.message.length > 0 && error.message.length < 2000, 'with a short message')
          assert.doesNotMatch(
            error.message,
            /Cannot read prop|is not a function|undefined is not/,
            `a programmer error leaked: ${error.message}`,
          )
        }
        assertSound(host)
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  } finally {
    await host.stop()
    connection.close()
    host.hub.close()
  }
  assert.ok(answered > 0 && refused > 0, `both answers (${answered}) and refusals (${refused}) happened`)
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'no prototype was polluted')
  guard.assertNone()
})

const SKIP = Symbol('skip')

/**
 * Keeps a fuzz run from reaching outside the test: a startListener that would pass validation is pinned to
 * 127.0.0.1 port 0 (never 8080, never another interface), and launchBrowser for a real listener is skipped.
 */
function keepItLocal(host: Host, name: unknown, args: unknown): unknown {
  if (!isCommandName(name) || validateArgs(name, args) !== undefined) return args
  if (name === 'launchBrowser') return host.listeners.get((args as { listenerId: string }).listenerId) ? SKIP : args
  if (name === 'startListener') return { ...(args as object), host: '127.0.0.1', port: 0 }
  if (name === 'replaySession') return SKIP // would send traffic to wherever a session's requests went
  return args
}

function assertSound(host: Host): void {
  const settings = host.hub.settings
  assert.deepEqual(
    Object.keys(settings).sort(),
    SETTING_KEYS,
    `settings gained or lost keys: ${JSON.stringify(settings)}`,
  )
  for (const key of SETTING_KEYS) {
    const v = (settings as unknown as Record<string, unknown>)[key]
    assert.ok(Number.isInteger(v) && (v as number) >= 0, `${key} is ${String(v)}`)
  }
  assert.equal(typeof host.hub.capturing, 'boolean')
  assert.ok(host.hub.store.size <= settings.maxExchanges)
  for (const listener of host.listeners.list()) {
    assert.equal(listener.host, '127.0.0.1')
    assert.doesNotThrow(() => JSON.stringify(listener))
  }
}

async function startServed(t: { after(fn: () => unknown): void }) {
  const staticDir = mkdtempSync(join(tmpdir(), 'nanoscope-ui-'))
  scratchDirs.push(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nanoscope</title>')
  const host = scratchHost()
  const ui = await startWebUi(host, { staticDir })
  t.after(async () => {
    await ui.stop()
    await host.stop()
    host.hub.close()
  })
  return { host, ui, wsUrl: `ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token}` }
}

function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  return within(
    3000,
    new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws))
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)))
    }),
    'the WebSocket to open',
  )
}

function closeCode(ws: WebSocket): Promise<number> {
  return within(3000, new Promise((resolve) => ws.once('close', (code) => resolve(code))), 'the WebSocket to close')
}

/** Sends one command on a raw socket and resolves with its result message. */
function command(
  ws: WebSocket,
  id: number,
  name: string,
  args: unknown = {},
): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  return within(
    3000,
    new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const message = JSON.parse(String(data)) as { type: string; id?: number; ok: boolean }
        if (message.type === 'result' && message.id === id) {
          ws.off('message', onMessage)
          resolve(message)
        }
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ type: 'command', id, name, args }))
    }),
    `the answer to ${name}`,
  )
}

test('the serve WebSocket ignores JSON that is not a command (null, numbers, arrays) and keeps answering', async (t) => {
  const { wsUrl } = await startServed(t)
  const ws = await openSocket(wsUrl)
  t.after(() => ws.terminate())
  for (const text of [
    'null',
    '0',
    '"command"',
    '[]',
    '[1,2]',
    'true',
    '{}',
    '{"type":"command"}',
    '{"type":"command","id":"1"}',
    '{"type":"command","id":1e400,"name":"clear"}',
    '{"type":"result","id":1,"ok":true}',
    '{"__proto__":{"type":"command"},"id":3}',
  ]) {
    ws.send(text)
  }
  const answer = await command(ws, 7, 'getSettings')
  assert.equal(answer.ok, true)
  assert.equal(ws.readyState, WebSocket.OPEN)
  guard.assertNone()
})

test('the serve WebSocket answers fuzzed JSON commands with results or errors, one per command, and stays open', async (t) => {
  const { wsUrl } = await startServed(t)
  const ws = await openSocket(wsUrl)
  t.after(() => ws.terminate())
  let id = 100
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...COMMAND_NAMES, 'nope'), fc.jsonValue({ maxDepth: 3 }), async (name, args) => {
      const sentArgs = keepItLocalJson(name, args)
      const answer = await command(ws, ++id, name, sentArgs)
      if (!answer.ok) assert.ok(typeof answer.error === 'string' && answer.error.length > 0)
    }),
    { numRuns: 100, endOnFailure: true },
  )
  assert.equal(ws.readyState, WebSocket.OPEN)
  guard.assertNone()
})

function keepItLocalJson(name: string, args: unknown): unknown {
  if (name === 'launchBrowser') return { listenerId: 'none' }
  if (name === 'startListener' && isCommandName(name) && validateArgs(name, args) === undefined) {
    return { ...(args as object), host: '127.0.0.1', port: 0 }
  }
  return args
}

test('a message that is not JSON closes that WebSocket with 1003, and the server takes new ones', async (t) => {
  const { wsUrl } = await startServed(t)
  const ws = await openSocket(wsUrl)
  const closed = closeCode(ws)
  ws.send('this is not json {')
  assert.equal(await closed, 1003)
  const again = await openSocket(wsUrl)
  t.after(() => again.terminate())
  assert.equal((await command(again, 1, 'getSettings')).ok, true)
})

test('a WebSocket message over the size limit closes that socket with 1009, and the server takes new ones', async (t) => {
  const { wsUrl } = await startServed(t)
  const ws = await openSocket(wsUrl)
  ws.on('error', () => {})
  const closed = closeCode(ws)
  ws.send(JSON.stringify({ type: 'command', id: 1, name: 'clear', args: { pad: 'x'.repeat(5 * 1024 * 1024) } }))
  assert.equal(await closed, 1009)
  const client = await connectContract(wsUrl)
  t.after(() => client.close())
  assert.deepEqual(await client.invoke('clear', {}), { cleared: 0 })
  guard.assertNone()
})

test('a WebSocket without the token, or with an empty one, is refused with 401', async (t) => {
  const { ui } = await startServed(t)
  await assert.rejects(openSocket(`ws://127.0.0.1:${ui.port}/api/ws`), /401/)
  await assert.rejects(openSocket(`ws://127.0.0.1:${ui.port}/api/ws?token=`), /401/)
  await assert.rejects(openSocket(`ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token.slice(0, -1)}`), /401/)
  await assert.rejects(openSocket(`ws://127.0.0.1:${ui.port}/elsewhere?token=${ui.token}`), /404/)
})
