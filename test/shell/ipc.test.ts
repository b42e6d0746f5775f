import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { COMMAND_NAMES, EVENT_NAMES, commandChannel } from '../../shared/contract.ts'
import { isTrustedSender } from '../../electron/shell/sender-check.ts'
import { registerIpc } from '../../electron/shell/ipc.ts'
import { Host } from '../../electron/host/host.ts'

const RENDERER = 'file:///opt/nanoscope/dist/renderer/index.html'

test('only the renderer page itself is a trusted IPC sender', () => {
  assert.equal(isTrustedSender(RENDERER, RENDERER), true)
  assert.equal(isTrustedSender(RENDERER + '?x=1#y', RENDERER), true)
  assert.equal(isTrustedSender('file:///tmp/evil.html', RENDERER), false)
  assert.equal(isTrustedSender('https://example.com/', RENDERER), false)
  assert.equal(isTrustedSender(undefined, RENDERER), false)
  assert.equal(isTrustedSender('not a url', RENDERER), false)
})

test('IPC commands from a fake foreign sender are refused and from the window are answered', async () => {
  const handlers = new Map<string, (event: unknown, args: unknown) => unknown>()
  const fakeIpc = {
    handle: (ch: string, fn: (e: unknown, a: unknown) => unknown) => {
      handlers.set(ch, fn)
    },
    removeHandler: (ch: string) => {
      handlers.delete(ch)
    },
  }
  const sent: string[] = []
  const host = new Host()
  const unregister = registerIpc(
    fakeIpc as never,
    host,
    {
      send: (ch: string) => {
        sent.push(ch)
      },
      isDestroyed: () => false,
    } as never,
    RENDERER,
  )
  assert.equal(handlers.size, COMMAND_NAMES.length)
  const getSettings = handlers.get(commandChannel('getSettings'))!
  await assert.rejects(
    async () => getSettings({ senderFrame: { url: 'https://evil.example/' } }, {}),
    /not the Nanoscope window/,
  )
  const settings = (await getSettings({ senderFrame: { url: RENDERER } }, {})) as { maxExchanges: number }
  assert.equal(settings.maxExchanges, 100_000)
  await assert.rejects(
    async () => handlers.get(commandChannel('getExchange'))!({ senderFrame: { url: RENDERER } }, { id: 42 }),
    /"id" must be a non-empty string/,
  )
  unregister()
  assert.equal(handlers.size, 0)
  await host.stop()
})

test('the preload exposes exactly one function per contract entry', () => {
  const preload = readFileSync(new URL('../../electron/shell/preload.cjs', import.meta.url), 'utf8')
  const list = (name: string): string[] =>
    JSON.parse(
      new RegExp(`const ${name} = (\\[[^\\]]*\\])`)
        .exec(preload)![1]!
        .replace(/'/g, '"')
        .replace(/,\s*\]$/, ']'),
    )
  assert.deepEqual(list('COMMANDS'), [...COMMAND_NAMES])
  assert.deepEqual(list('EVENTS'), [...EVENT_NAMES])
  assert.doesNotMatch(preload, /exposeInMainWorld\([^)]*ipcRenderer\b\s*\)/)
  assert.equal((preload.match(/exposeInMainWorld/g) ?? []).length, 1)
})

test('the window is sandboxed, isolated, without Node, and cannot navigate', () => {
  const window = readFileSync(new URL('../../electron/shell/window.ts', import.meta.url), 'utf8')
  for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true']) {
    assert.ok(window.includes(setting), setting)
  }
  assert.match(window, /will-navigate[^\n]*preventDefault/)
  assert.match(window, /setWindowOpenHandler[\s\S]*action: 'deny'/)
  assert.match(window, /Content-Security-Policy/)
})
