import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Every module a built file imports, statically or dynamically. */
function importsOf(code: string): string[] {
  const found = new Set<string>()
  for (const m of code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']/g)) found.add(m[1]!)
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*["']([^"']+)["']/g)) found.add(m[1]!)
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.add(m[1]!)
  return [...found]
}

test('the main process builds into one module that imports only electron, Node built-ins and declared dependencies, with its preload beside it', () => {
  const out = mkdtempSync(join(tmpdir(), 'nanoscope-main-build-'))
  try {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
    const build = spawnSync(
      process.execPath,
      [vite, 'build', '--config', 'electron/shell/vite.main.config.ts', '--outDir', out, '--logLevel', 'error'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    )
    assert.equal(build.status, 0, build.stderr)
    const code = readFileSync(join(out, 'desktop.mjs'), 'utf8')
    const dependencies = Object.keys(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
        .dependencies,
    )
    const imports = importsOf(code)
    assert.ok(imports.includes('electron'), `the bundle should import electron; it imports ${imports.join(', ')}`)
    const stray = imports.filter(
      (name) =>
        name !== 'electron' &&
        !name.startsWith('node:') &&
        !builtinModules.includes(name) &&
        !dependencies.some((dep) => name === dep || name.startsWith(`${dep}/`)),
    )
    assert.deepEqual(stray, [], 'everything else is compiled into the bundle')
    // The one use of tsx: a `script` block compiles the user's own filter file, imported only when one is loaded.
    const scriptLoader = /import\(\s*["']tsx\/(?:esm|cjs)\/api["']\s*\)/g
    assert.equal([...code.matchAll(scriptLoader)].length, 2, "the script block loads tsx's two hooks on demand")
    assert.doesNotMatch(
      code.replace(scriptLoader, ''),
      /(?:from\s*|import\(\s*)["'][^"']+\.ts["']|tsx\/esm|tsx\/cjs/,
      'no TypeScript source of the app is loaded at run time',
    )
    assert.equal(
      readFileSync(join(out, 'preload.cjs'), 'utf8'),
      readFileSync(join(root, 'electron/shell/preload.cjs'), 'utf8'),
    )
    // The window finds the renderer and the preload from the bundle's own place, as it does from the sources.
    assert.match(code, /new URL\("\.\.\/\.\.\/dist\/renderer\/index\.html", import\.meta\.url\)/)
    assert.match(code, /new URL\("\.\/preload\.cjs", import\.meta\.url\)/)
    const check = spawnSync(process.execPath, ['--check', join(out, 'desktop.mjs')], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    assert.equal(check.status, 0, check.stderr)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('electron-builder packages only the built output, and starts the app from the built main module', () => {
  const config = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
  const files = [...config.split('\nfiles:\n')[1]!.matchAll(/^ {2}- "?([^"\n]+)"?$/gm)].map((m) => m[1]!)
  assert.ok(files.length > 0)
  for (const entry of files) {
    assert.ok(
      entry === 'package.json' || entry.startsWith('dist/') || entry.startsWith('!'),
      `${entry} is not built output`,
    )
  }
  assert.ok(files.includes('dist/main/**') && files.includes('dist/renderer/**'))
  const main = /^extraMetadata:\n {2}main: (\S+)$/m.exec(config)?.[1]
  assert.equal(main, 'dist/main/desktop.mjs')
  // dist/main sits as deep as electron/shell, so ../../dist/renderer from the bundle is the built renderer.
  assert.equal(resolve(root, 'dist/main', '../../dist/renderer/index.html'), join(root, 'dist/renderer/index.html'))
  for (const target of ['AppImage', 'deb', 'dmg', 'nsis']) assert.match(config, new RegExp(`\\b${target}\\b`))
  assert.match(config, /^ {2}maintainer: .+<.+@.+>$/m, 'a .deb needs a maintainer with an email address')
  // electron-builder refuses to package when these are production dependencies.
  const dependencies = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  ).dependencies
  for (const name of ['electron', 'electron-builder'])
    assert.equal(name in dependencies, false, `${name} belongs in devDependencies`)
})
