/**
 * Browsing through it: Chromium loads a local HTTPS site (nginx, one page and 80 assets, about 2.4 MB, HTTP/1.1)
 * with a cold cache, directly and through `nanoscope serve` with HTTPS interception (and a live subscriber, as the
 * window), in interleaved rounds: each round loads it both ways (order alternating), and the ratio of the two load
 * times is that round's figure; the target is the median. Skipped, saying why, without nginx, openssl or Chromium.
 *
 * A cold cache is a fresh browser context per load (its own HTTP cache and connection pool); the time is the
 * page's own navigation timing, from the start of navigation to the end of the load event.
 *
 *   node --import tsx bench/page-load-bench.ts [rounds=10]
 *
 * With BENCH_PAGE_PHASES=1, each round also loads the page once more each way and prints where that load's time went
 * (Resource Timing: connections and their set-up, time to the first byte, time receiving, summed over resources).
 *
 * With NANOSCOPE_PROFILE_DIR set, the serve process runs under `--cpu-prof` and writes its profile there.
 */
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../test/support/browser.ts'
import { answers, freePort, nginxBinary, nginxPrelude } from './nginx-proxy.ts'
import { killAndWait, startServe } from './serve-process.ts'
import { target, targetLine, type Target } from './report.ts'

export interface PageLoadResult {
  rounds: number
  assets: number
  siteBytes: number
  directMs: number[]
  proxiedMs: number[]
  /** The serve process's CPU time (user + system) over each load through it: steadier than the times on a busy machine. */
  serveCpuMs: number[]
  ratios: number[]
  median: number
  targets: Target[]
}

const ASSETS = 80
const ASSET_BYTES = 30 * 1024

/** The site: index.html naming 40 stylesheets and 40 images (SVG), each about 30 KiB. */
export function writeSite(root: string): number {
  mkdirSync(root, { recursive: true })
  let total = 0
  const filler = (n: number): string => 'nanoscope page-load bench '.repeat(Math.ceil(n / 26)).slice(0, n)
  const links: string[] = []
  const images: string[] = []
  for (let i = 0; i < ASSETS / 2; i++) {
    const css = `/* ${filler(ASSET_BYTES - 40)} */\n.a${i} { color: #${(i * 4099).toString(16).padStart(6, '0').slice(0, 6)}; }\n`
    writeFileSync(join(root, `s${i}.css`), css)
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><!-- ${filler(ASSET_BYTES - 120)} --><rect width="8" height="8" fill="#${(i * 997).toString(16).padStart(6, '0').slice(0, 6)}"/></svg>`
    writeFileSync(join(root, `i${i}.svg`), svg)
    total += css.length + svg.length
    links.push(`<link rel="stylesheet" href="/s${i}.css">`)
    images.push(`<img src="/i${i}.svg" width="8" height="8" alt="">`)
  }
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>${links.join('')}</head><body>${images.join('')}</body></html>`
  writeFileSync(join(root, 'index.html'), html)
  return total + html.length
}

export async function startSite(dir: string): Promise<{ url: string; cert: string; stop(): Promise<void> }> {
  const nginx = nginxBinary()
  if (!nginx) throw new Error('nginx is not installed (apt-get install nginx-light)')
  if (!existsSync('/usr/bin/openssl')) throw new Error('openssl is not installed')
  const cert = join(dir, 'site.pem')
  const key = join(dir, 'site.key')
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true })
  // nginx's worker runs as another user (nobody) when started by root: the site must be readable to it.
  chmodSync(dir, 0o755)
  const port = await freePort()
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${nginxPrelude(dir)}
  types { text/html html; text/css css; image/svg+xml svg; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    root ${join(dir, 'site')};
    add_header Cache-Control no-store;
  }
}
`,
  )
  const child = spawn(
    nginx,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
    {
      stdio: 'ignore',
    },
  )
  const url = `https://127.0.0.1:${port}/`
  if (!(await answers(url, child, 5000))) {
    await killAndWait(child)
    throw new Error('nginx (the HTTPS site) did not start')
  }
  return { url, cert, stop: () => killAndWait(child) }
}

/** Where one cold load's time went, summed over its resources (ms): Resource Timing's phases, and connections made. */
export interface LoadPhases {
  readonly loadMs: number
  readonly connections: number
  /** Sums over resources that opened a connection: connectStart → connectEnd (CONNECT and TLS through a proxy). */
  readonly connectMs: number
  /** Sums over all resources: requestStart → responseStart (the first byte), responseStart → responseEnd. */
  readonly firstByteMs: number
  readonly receiveMs: number
  /** Sum of startTime → requestStart: queueing for a connection, plus its set-up. */
  readonly beforeRequestMs: number
}

/** One cold load, with its time split by Resource Timing phase (`BENCH_PAGE_PHASES=1` prints them). */
export async function loadPhases(browser: Browser, url: string): Promise<LoadPhases> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true })
  try {
    const page = await context.newPage()
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const all = [nav, ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[])]
      let connections = 0
      let connectMs = 0
      let firstByteMs = 0
      let receiveMs = 0
      let beforeRequestMs = 0
      for (const r of all) {
        if (r.connectEnd > r.connectStart) {
          connections++
          connectMs += r.connectEnd - r.connectStart
        }
        firstByteMs += r.responseStart - r.requestStart
        receiveMs += r.responseEnd - r.responseStart
        beforeRequestMs += r.requestStart - r.startTime
      }
      return {
        loadMs: nav.loadEventEnd - nav.startTime,
        connections,
        connectMs,
        firstByteMs,
        receiveMs,
        beforeRequestMs,
      }
    })
  } finally {
    await context.close()
  }
}

/** One cold load: a fresh context, navigation start to the end of the load event, in ms. */
async function loadOnce(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true })
  try {
    const page = await context.newPage()
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
    const ms = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      return nav.loadEventEnd - nav.startTime
    })
    const count = await page.evaluate(() => performance.getEntriesByType('resource').length)
    if (count < ASSETS) throw new Error(`the page at ${url} loaded ${count} of ${ASSETS} assets`)
    return ms
  } finally {
    await context.close()
  }
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

export async function pageLoadBench(rounds = 10, say: (line: string) => void = () => {}): Promise<PageLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-bench-site-'))
  const siteBytes = writeSite(join(dir, 'site'))
  const site = await startSite(dir).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  const stops: (() => Promise<void>)[] = [site.stop]
  try {
    // NANOSCOPE_PROFILE_DIR: the serve process runs under --cpu-prof, its profile written there when it stops.
    const profileDir = process.env.NANOSCOPE_PROFILE_DIR
    const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
    const serve = await startServe(undefined, nodeFlags, ['--upstream-ca', site.cert])
    stops.push(serve.stop)
    const direct = await launchChromium({ extraArgs: ['--ignore-certificate-errors'] })
    stops.push(() => direct.close())
    const proxied = await launchChromium({ proxy: serve.proxyUrl, extraArgs: ['--ignore-certificate-errors'] })
    stops.push(() => proxied.close())
    // One unmeasured load each way: the proxy mints the site's certificate, both browsers start their processes.
    await loadOnce(direct, site.url)
    await loadOnce(proxied, site.url)
    const directMs: number[] = []
    const proxiedMs: number[] = []
    const serveCpuMs: number[] = []
    const ratios: number[] = []
    const throughServe = async (): Promise<number> => {
      const before = await serve.cpuMicros()
      const ms = await loadOnce(proxied, site.url)
      serveCpuMs.push(((await serve.cpuMicros()) - before) / 1000)
      return ms
    }
    for (let round = 1; round <= rounds; round++) {
      let d: number
      let p: number
      if (round % 2) {
        d = await loadOnce(direct, site.url)
        p = await throughServe()
      } else {
        p = await throughServe()
        d = await loadOnce(direct, site.url)
      }
      directMs.push(d)
      proxiedMs.push(p)
      ratios.push(p / d)
      say(
        `round ${round}: direct ${d.toFixed(0)} ms, through serve ${p.toFixed(0)} ms (serve's CPU ${serveCpuMs.at(-1)!.toFixed(0)} ms), ratio ${(p / d).toFixed(2)}`,
      )
      if (process.env.BENCH_PAGE_PHASES === '1')
        for (const [way, browser] of [
          ['direct', direct],
          ['through serve', proxied],
        ] as const) {
          const cpuBefore = await serve.cpuMicros()
          const x = await loadPhases(browser, site.url)
          const cpu = browser === proxied ? `, serve's CPU ${((await serve.cpuMicros()) - cpuBefore) / 1000} ms` : ''
          say(
            `  ${way}, one more load: ${x.loadMs.toFixed(0)} ms${cpu}, ${x.connections} connections taking ${x.connectMs.toFixed(0)} ms in all; summed over resources: before the request ${x.beforeRequestMs.toFixed(0)} ms, to the first byte ${x.firstByteMs.toFixed(0)} ms, receiving ${x.receiveMs.toFixed(0)} ms`,
          )
        }
    }
    const m = median(ratios)
    return {
      rounds,
      assets: ASSETS,
      siteBytes,
      directMs,
      proxiedMs,
      serveCpuMs,
      ratios,
      median: m,
      targets: [
        target(
          'page load through serve (HTTPS intercepted) ÷ direct, cold cache',
          m,
          '<=',
          1.25,
          undefined,
          `median of ${rounds} rounds (${ratios.map((r) => r.toFixed(2)).join(', ')}); direct median ${median(directMs).toFixed(0)} ms, through serve ${median(proxiedMs).toFixed(0)} ms, serve's CPU per load ${median(serveCpuMs).toFixed(0)} ms; ${ASSETS} assets, ${(siteBytes / 1e6).toFixed(1)} MB`,
        ),
      ],
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  pageLoadBench(Number(process.argv[2] ?? 10), (l) => process.stdout.write(`${l}\n`)).then(
    (r) => {
      for (const t of r.targets) process.stdout.write(`${targetLine(t)}\n`)
      process.exit(0)
    },
    (error: unknown) => {
      console.error('page-load bench failed:', error)
      process.exit(1)
    },
  )
}
