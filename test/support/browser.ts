import { chromium, type Browser } from 'playwright-core'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CHROMIUM = process.env.NANOSCOPE_CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url))

/** Headless Debian Chromium with the flags this machine needs; optionally sending traffic through a proxy. */
export async function launchChromium(options: { proxy?: string; extraArgs?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set NANOSCOPE_CHROMIUM)`)
  mkdirSync(SCREENSHOTS, { recursive: true })
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', ...(options.extraArgs ?? [])]
  if (options.proxy) args.push(`--proxy-server=${options.proxy}`, '--proxy-bypass-list=<-loopback>')
  return chromium.launch({ executablePath: CHROMIUM, args, timeout: 30_000 })
}

