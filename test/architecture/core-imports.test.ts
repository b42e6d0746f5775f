import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx|mjs|cjs|js)$/.test(name) ? [path] : []
  })
}

const IMPORTS_ELECTRON = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]electron(?:\/[^'"]*)?['"]/

test('nothing under electron/core imports electron', () => {
  const offenders = sources(join(root, 'electron/core')).filter((f) => IMPORTS_ELECTRON.test(readFileSync(f, 'utf8')))
  assert.deepEqual(
    offenders.map((f) => relative(root, f)),
    [],
  )
})

test('the check recognises the ways a file can import electron', () => {
  for (const line of [
    `import { app } from 'electron'`,
    `const e = require("electron")`,
    `await import('electron')`,
    `import 'electron/main'`,
  ]) {
    assert.match(line, IMPORTS_ELECTRON)
  }
  assert.doesNotMatch(`import x from './electron-ish.ts'`, IMPORTS_ELECTRON)
})

test('only the shell imports electron outside core', () => {
  const offenders = sources(join(root, 'electron'))
    .filter((f) => !relative(root, f).startsWith('electron/shell/'))
    .filter((f) => IMPORTS_ELECTRON.test(readFileSync(f, 'utf8')))
  assert.deepEqual(
    offenders.map((f) => relative(root, f)),
    [],
  )
})
