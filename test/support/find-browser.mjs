// The Chromium the browser tests drive, looked for in this order: $NANOSCOPE_CHROMIUM; a system Chromium or
// Chrome; then the headless Chromium that `npm install` brings inside the @sparticuz/chromium dev dependency
// (NANOSCOPE_CHROMIUM=@sparticuz/chromium picks that one even where a system one exists).
// Plain JavaScript so that test/run.mjs (which names the browser before the tests run and unpacks it once) and
// test/support/browser.ts share it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync } from 'node:zlib'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Where Debian, Ubuntu, Fedora, snap, Google's packages and macOS put Chromium or Chrome. */
const SYSTEM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

/**
 * @typedef {{ path: string, source: string, env?: Record<string, string> }} FoundBrowser
 * `source` says which was used, in words; `env` is what the browser's process needs added to its environment.
 */

/** @returns {FoundBrowser | { missing: string }} */
export function findBrowser() {
  const chosen = process.env.NANOSCOPE_CHROMIUM
  if (chosen === '@sparticuz/chromium') return sparticuz() // the npm one even where a system one exists
  if (chosen) {
    return existsSync(chosen)
      ? { path: chosen, source: 'NANOSCOPE_CHROMIUM' }
      : { missing: `NANOSCOPE_CHROMIUM is ${chosen}, which does not exist` }
  }
  const system = SYSTEM.find((path) => existsSync(path))
  if (system) return { path: system, source: 'the system Chromium or Chrome' }
  return sparticuz()
}

/**
 * Under LANG=C (or C.UTF-8) the headless shell's ICU takes its default locale to be `en-US@posix`, which its own
 * Intl then refuses ("Invalid language tag"), so any page calling toLocaleString() throws: it is given a real one.
 */
const POSIX_LOCALE_FIX = /^(C|POSIX)(\.|$)/.test(process.env.LC_ALL || process.env.LANG || 'C')
  ? { LC_ALL: 'en_US.UTF-8' }
  : {}

/** The @sparticuz/chromium headless shell, unpacked once per version into node_modules/.cache. */
function sparticuz() {
  const manifest = join(root, 'node_modules', '@sparticuz', 'chromium', 'package.json') // its exports hide package.json
  if (!existsSync(manifest)) {
    return {
      missing:
        'no NANOSCOPE_CHROMIUM, no system Chromium or Chrome, and @sparticuz/chromium is not installed (npm install)',
    }
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      missing: `no NANOSCOPE_CHROMIUM and no system Chromium or Chrome; @sparticuz/chromium runs only on Linux x64 (this is ${process.platform} ${process.arch})`,
    }
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'))
  const dir = join(root, 'node_modules', '.cache', 'nanoscope-chromium', version)
  const found = {
    path: join(dir, 'chromium'),
    source: `@sparticuz/chromium ${version}`,
    env: {
      LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      ...POSIX_LOCALE_FIX,
    },
  }
  if (existsSync(found.path)) return found
  // Unpacked beside the final folder, then renamed into place, so concurrent test files never see half of it.
  mkdirSync(dirname(dir), { recursive: true })
  const work = mkdtempSync(`${dir}.unpacking-`)
  try {
    // In a child process: the package unpacks into os.tmpdir(), so it runs with TMPDIR pointing at our folder.
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'unpack', dirname(manifest), work], {
      env: { ...process.env, TMPDIR: work },
      encoding: 'utf8',
    })
    if (child.status !== 0) throw new Error(`unpacking @sparticuz/chromium failed: ${child.stderr.trim()}`)
    try {
      renameSync(work, dir)
    } catch (error) {
      if (!existsSync(found.path)) throw error // another process won the race: use its copy
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return found
}

/**
 * Run as `node find-browser.mjs unpack <package dir> <folder>` with TMPDIR=<folder>: the package's own
 * `executablePath()` unpacks the browser, its fonts and SwiftShader into os.tmpdir(). The NSS and expat libraries
 * the browser links against come in its al2023.tar.br (the package unpacks it only on AWS): unpacked here too and
 * put on LD_LIBRARY_PATH, so a machine without Debian's Chromium (which is what installed them here) needs
 * nothing from apt.
 */
async function unpack(packageDir, into) {
  const { default: chromium } = await import('@sparticuz/chromium')
  await chromium.executablePath()
  const tar = join(into, 'al2023.tar')
  writeFileSync(tar, brotliDecompressSync(readFileSync(join(packageDir, 'bin', 'al2023.tar.br'))))
  mkdirSync(join(into, 'al2023'))
  const untar = spawnSync('tar', ['-xf', tar, '-C', join(into, 'al2023')], { encoding: 'utf8' })
  if (untar.status !== 0) throw new Error(`unpacking @sparticuz/chromium's libraries failed: ${untar.stderr}`)
  rmSync(tar)
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'unpack') {
  await unpack(process.argv[3], process.argv[4])
}
