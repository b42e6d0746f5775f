/**
 * electron/'s folders import one way: each may import only the folders listed for it below (the arrows drawn in
 * the README's architecture map and CONTRIBUTING.md). Static imports, re-exports, `import()` and `require()`
 * count; type-only imports (`import type`, or every name marked `type`) do not, since they vanish at run time.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const electron = join(root, 'electron')
const core = join(electron, 'core')

/** Bottom to top. `shared/` (the contract, outside electron/) may be imported by any folder but core and platform. */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  platform: [],
  tls: ['core', 'platform'],
  chaos: ['core'],
  proxy: ['core', 'tls'],
  capture: ['core', 'proxy'],
  recording: ['core', 'platform', 'tls'],
  pipeline: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording'],
  apps: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording', 'pipeline'],
  host: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording', 'pipeline', 'apps'],
  web: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording', 'pipeline', 'apps', 'host'],
  cli: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording', 'pipeline', 'apps', 'host', 'web'],
  shell: ['core', 'platform', 'tls', 'chaos', 'proxy', 'capture', 'recording', 'pipeline', 'apps', 'host', 'web'],
}
const SHARED_FORBIDDEN = new Set(['core', 'platform'])

/**
 * Inside core, bottom to top: `.` is core's top (the kernel: http.ts, message.ts, routing.ts, clock.ts), and
 * message/ the parts of the message model that message.ts imports and passes on. The two adapters, server and
 * client, share what both need through wire/ and never import each other.
 */
export const CORE_MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  wire: [],
  matching: [],
  message: ['wire'],
  '.': ['wire', 'message'],
  filters: ['.', 'wire', 'matching'],
  static: ['.', 'wire'],
  websocket: ['.'],
  server: ['.', 'wire'],
  client: ['.', 'wire'],
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx|mts|cts|mjs|cjs|js)$/.test(name) ? [path] : []
  })
}

// `import … from '…'` / `export … from '…'` (over several lines too), a bare `import '…'`, `import('…')`, `require('…')`.
const STATIC =
  /^[ \t]*(?:import|export)\s+((?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\*\s+as\s+[\w$]+|\*|\{[^}]*\}|[\w$]+))\s+from\s+['"]([^'"]+)['"]/gm
const BARE = /^[ \t]*import\s+['"]([^'"]+)['"]/gm
const CALL = /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g

/** Whether an import's clause brings in nothing at run time. */
function typeOnly(clause: string): boolean {
  if (/^type\b/.test(clause)) return true
  const names = /^\{([^}]*)\}$/.exec(clause.trim())
  if (!names) return false
  const list = names[1]!
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  return list.length > 0 && list.every((n) => n.startsWith('type '))
}

/** The run-time import specifiers in a source text. */
export function runtimeImports(source: string): string[] {
  const found: string[] = []
  for (const m of source.matchAll(STATIC)) if (!typeOnly(m[1]!)) found.push(m[2]!)
  for (const m of source.matchAll(BARE)) found.push(m[1]!)
  for (const m of source.matchAll(CALL)) found.push(m[1]!)
  return found
}

/** The folder of electron/ (or 'shared') a relative import from `file` lands in; undefined for packages and the rest. */
function folderOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const target = relative(root, resolve(dirname(file), specifier)).split(sep)
  if (target[0] === 'shared') return 'shared'
  return target[0] === 'electron' && target.length > 2 ? target[1] : undefined
}

/** The folder of core/ a file is in, or `.` for core's top; undefined outside core. */
function coreFolderOf(path: string): string | undefined {
  const parts = relative(core, path).split(sep)
  if (parts[0] === '..') return undefined
  return parts.length > 1 ? parts[0] : '.'
}

/** Every import from one of electron/'s folders into another that `mayImport` does not allow, as "from -> to: file 'spec'". */
export function forbiddenImports(
  files: ReadonlyArray<{ path: string; source: string }>,
  mayImport: Readonly<Record<string, readonly string[]>>,
): string[] {
  const wrong: string[] = []
  for (const { path, source } of files) {
    const parts = relative(electron, path).split(sep)
    const from = parts[0]!
    for (const specifier of runtimeImports(source)) {
      const to = folderOf(path, specifier)
      if (to === undefined || to === from) continue
      const allowed = to === 'shared' ? !SHARED_FORBIDDEN.has(from) : (mayImport[from] ?? []).includes(to)
      if (!allowed) wrong.push(`${from} -> ${to}: ${relative(root, path)} '${specifier}'`)
    }
  }
  return wrong
}

/** Every run-time import from one of core's folders (or its top) into another that `mayImport` does not allow. */
export function forbiddenCoreImports(
  files: ReadonlyArray<{ path: string; source: string }>,
  mayImport: Readonly<Record<string, readonly string[]>>,
): string[] {
  const wrong: string[] = []
  for (const { path, source } of files) {
    const from = coreFolderOf(path)
    if (from === undefined) continue
    for (const specifier of runtimeImports(source)) {
      if (!specifier.startsWith('.')) continue
      const to = coreFolderOf(resolve(dirname(path), specifier))
      if (to === undefined || to === from) continue
      if (!(mayImport[from] ?? []).includes(to))
        wrong.push(`core/${from} -> core/${to}: ${relative(root, path)} '${specifier}'`)
    }
  }
  return wrong
}

/** Fails on a cycle in an import map. */
function assertNoCycle(mayImport: Readonly<Record<string, readonly string[]>>): void {
  const seen = new Map<string, 'visiting' | 'done'>()
  const visit = (folder: string, path: string[]): void => {
    if (seen.get(folder) === 'done') return
    assert.notEqual(seen.get(folder), 'visiting', `cycle: ${[...path, folder].join(' -> ')}`)
    seen.set(folder, 'visiting')
    for (const next of mayImport[folder] ?? []) visit(next, [...path, folder])
    seen.set(folder, 'done')
  }
  for (const folder of Object.keys(mayImport)) visit(folder, [])
}

test("no folder of electron/ imports one it should not see (README's architecture map)", () => {
  const files = sources(electron).map((path) => ({ path, source: readFileSync(path, 'utf8') }))
  assert.deepEqual(forbiddenImports(files, MAY_IMPORT), [])
})

test('every folder of electron/ has its place in the map, and no file sits outside a folder', () => {
  const entries = readdirSync(electron)
  const folders = entries.filter((name) => statSync(join(electron, name)).isDirectory())
  assert.deepEqual(
    folders.filter((f) => !(f in MAY_IMPORT)),
    [],
    'add the new folder to MAY_IMPORT and to the README map',
  )
  assert.deepEqual(
    entries.filter((name) => !folders.includes(name)),
    [],
  )
})

test('the arrows go one way: the map itself has no cycle', () => {
  assertNoCycle(MAY_IMPORT)
})

test('inside core, no folder imports one it should not see: server and client share wire/ and never import each other', () => {
  const files = sources(core).map((path) => ({ path, source: readFileSync(path, 'utf8') }))
  assert.deepEqual(forbiddenCoreImports(files, CORE_MAY_IMPORT), [])
})

test("every folder of core/ has its place in core's map, and core's map has no cycle", () => {
  const folders = readdirSync(core).filter((name) => statSync(join(core, name)).isDirectory())
  assert.deepEqual(
    folders.filter((f) => !(f in CORE_MAY_IMPORT)),
    [],
    'add the new folder to CORE_MAY_IMPORT and to the README map',
  )
  assertNoCycle(CORE_MAY_IMPORT)
})

test("core's top holds the kernel alone: at most 5 files", () => {
  const files = readdirSync(core).filter((name) => !statSync(join(core, name)).isDirectory())
  assert.ok(
    files.length <= 5,
    `core's top holds ${files.length} files (${files.join(', ')}); move the rest into a folder`,
  )
})

test('the check catches a forbidden import, static or dynamic, and lets type-only imports through', () => {
  const file = join(electron, 'recording', 'replay.ts')
  const source = [
    `import { replayApp } from '../apps/replay-app.ts'`,
    `export { thing } from '../cli/args.ts'`,
    `import {\n  one,\n  two,\n} from '../host/host.ts'`,
    `const lazy = await import('../web/serve.ts')`,
    `import type { App } from '../apps/types.ts'`,
    `import { type A, type B } from '../pipeline/block.ts'`,
    `export type { C } from '../host/contract.ts'`,
    `import { nodeClient } from '../core/client/node-client.ts'`,
    `import { readFile } from 'node:fs/promises'`,
    ` * import { x } from '../apps/in-a-comment.ts' (in a doc comment)`,
  ].join('\n')
  assert.deepEqual(forbiddenImports([{ path: file, source }], MAY_IMPORT), [
    `recording -> apps: electron/recording/replay.ts '../apps/replay-app.ts'`,
    `recording -> cli: electron/recording/replay.ts '../cli/args.ts'`,
    `recording -> host: electron/recording/replay.ts '../host/host.ts'`,
    `recording -> web: electron/recording/replay.ts '../web/serve.ts'`,
  ])
  const core = join(electron, 'core', 'http.ts')
  assert.deepEqual(
    forbiddenImports([{ path: core, source: `import { x } from '../../shared/contract.ts'` }], MAY_IMPORT),
    [`core -> shared: electron/core/http.ts '../../shared/contract.ts'`],
  )
})

test('the core check catches the server importing the client (and the kernel importing an adapter), not their use of wire/', () => {
  const server = join(core, 'server', 'wire-server.ts')
  const source = [
    `import { contentLength } from '../client/raw-headers.ts'`,
    `import { strictParser } from '../wire/llhttp.ts'`,
    `import { response } from '../message.ts'`,
    `import type { WireConnection } from '../client/wire-connection.ts'`,
    `import { allowHosts } from '../../capture/capture-filter.ts'`,
  ].join('\n')
  assert.deepEqual(forbiddenCoreImports([{ path: server, source }], CORE_MAY_IMPORT), [
    `core/server -> core/client: electron/core/server/wire-server.ts '../client/raw-headers.ts'`,
  ])
  const kernel = join(core, 'message.ts')
  assert.deepEqual(
    forbiddenCoreImports([{ path: kernel, source: `import { x } from './server/node-server.ts'` }], CORE_MAY_IMPORT),
    [`core/. -> core/server: electron/core/message.ts './server/node-server.ts'`],
  )
})
