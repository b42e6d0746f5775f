// Helpers shared by the Sessions, Chaos and Clock end-to-end tests: requests through the proxy, and opening the UI.
import { request as httpRequest } from 'node:http'
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../support/browser.ts'
import { startServe, type ServedApp } from '../support/serve-process.ts'

export interface Answer {
  readonly status: number
  readonly body: string
}

/** One request through the forward proxy (absolute-form target), as curl -x sends it. */
export function viaProxy(proxyUrl: string, url: string): Promise<Answer> {
  const proxy = new URL(proxyUrl)
  return send({
    host: proxy.hostname,
    port: Number(proxy.port),
    method: 'GET',
    path: url,
    headers: { Host: new URL(url).host },
  })
}

/** A request addressed to the proxy itself (origin-form, its own Host), as the chaos control API expects. */
export function toProxyItself(proxyUrl: string, method: 'GET' | 'POST', path: string, body?: string): Promise<Answer> {
  const proxy = new URL(proxyUrl)
  return send(
    {
      host: proxy.hostname,
      port: Number(proxy.port),
      method,
      path,
      headers: { Host: proxy.host, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    },
    body,
  )
}

function send(
  options: { host: string; port: number; method: string; path: string; headers: Record<string, string> },
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...options, timeout: 10_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        text += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${options.method} ${options.path} timed out`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** Opens the served UI and waits until the traffic snapshot has loaded. */
export async function openUi(browser: Browser, uiUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  page.setDefaultTimeout(10_000)
  await page.goto(uiUrl, { timeout: 20_000 })
  await page.getByTestId('empty-traffic').waitFor({ timeout: 20_000 })
  return page
}

/** `nanoscope serve`, a headless Chromium and the UI open in it, all stopped when the test ends. */
export async function servedUi(t: { after(fn: () => unknown): void }): Promise<{ app: ServedApp; page: Page }> {
  const app = await startServe()
  t.after(() => app.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  return { app, page: await openUi(browser, app.uiUrl) }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** axe-core's WCAG 2 A/AA violations on the page as it is now, `id (count)` each. The page's context needs `bypassCSP`. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> }
      }
    ).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`)
  })
}
