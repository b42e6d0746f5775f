import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

export function findChromium(): string | undefined {
  return [process.env.NANOSCOPE_CHROMIUM, ...CANDIDATES].find((p): p is string => !!p && existsSync(p))
}

/** The flags that send every request, loopback included, through the proxy in a throwaway profile. */
export function chromiumProxyArgs(proxyUrl: string, profileDir: string): string[] {
  return [
    `--proxy-server=${proxyUrl}`,
    '--proxy-bypass-list=<-loopback>',
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-sync',
  ]
}

/** Launches Chromium through the proxy with a fresh profile, where Chromium is installed. */
/** `trustArgs` trusts the Nanoscope CA for this browser only (by SPKI fingerprint); nothing is installed system-wide. */
export async function launchBrowser(
  proxyUrl: string,
  trustArgs: readonly string[] = [],
): Promise<{ launched: boolean; message: string }> {
  const binary = findChromium()
  if (!binary)
    return { launched: false, message: 'Chromium was not found (install it, or set NANOSCOPE_CHROMIUM to its path)' }
  const profile = mkdtempSync(join(tmpdir(), 'nanoscope-chromium-'))
  const child = spawn(binary, [...chromiumProxyArgs(proxyUrl, profile), ...trustArgs, 'about:blank'], {
    detached: true,
    stdio: 'ignore',
  })
  const exited = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 1500)
    child.once('error', (e) => {
      clearTimeout(timer)
      resolve(e.message)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(`Chromium exited at once (code ${code}); is there a display?`)
    })
  })
  if (exited) return { launched: false, message: exited }
  child.unref()
  return { launched: true, message: `Chromium is running through ${proxyUrl} with a fresh profile in ${profile}` }
}
