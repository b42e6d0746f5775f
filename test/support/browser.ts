import { chromium, type Browser } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { findBrowser } from './find-browser.mjs'

const found = findBrowser()

/** The browser the tests drive (see find-browser.mjs for the order it is looked for in), if any. */
export const BROWSER = 'path' in found ? found : undefined
/** For a browser test's `skip` option: false when there is a browser, else why not (an error under NANOSCOPE_REQUIRE_ALL=1). */
export function needsBrowser(): string | false {
  if (BROWSER) return false
  const reason = `needs a Chromium: ${'missing' in found ? found.missing : 'none found'}`
  if (process.env.NANOSCOPE_REQUIRE_ALL === '1') throw new Error(`NANOSCOPE_REQUIRE_ALL=1 and a test ${reason}`)
  return reason
}
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url))

/** Headless Chromium with the flags this machine needs; optionally sending traffic through a proxy. */
export async function launchChromium(options: { proxy?: string; extraArgs?: string[] } = {}): Promise<Browser> {
  if (!BROWSER)
    throw new Error(
      `no browser for the tests: ${'missing' in found ? found.missing : ''} (set NANOSCOPE_CHROMIUM, or npm install)`,
    )
  mkdirSync(SCREENSHOTS, { recursive: true })
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    ...(options.extraArgs ?? []),
  ]
  if (options.proxy) args.push(`--proxy-server=${options.proxy}`, '--proxy-bypass-list=<-loopback>')
  const env = BROWSER.env ? ({ ...process.env, ...BROWSER.env } as Record<string, string>) : undefined
  return chromium.launch({ executablePath: BROWSER.path, args, timeout: 30_000, ...(env ? { env } : {}) })
}
