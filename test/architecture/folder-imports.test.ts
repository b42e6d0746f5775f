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
  const seen = new Map<string, 'visiting' | 'done'>()
  const visit = (folder: string, path: string[]): void => {
    if (seen.get(folder) === 'done') return
    assert.notEqual(seen.get(folder), 'visiting', `cycle: ${[...path, folder].join(' -> ')}`)
    seen.set(folder, 'visiting')
    for (const next of MAY_IMPORT[folder] ?? []) visit(next, [...path, folder])
    seen.set(folder, 'done')
  }
  for (const folder of Object.keys(MAY_IMPORT)) visit(folder, [])
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
