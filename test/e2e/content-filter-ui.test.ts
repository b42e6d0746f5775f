/**
 * Issue 18's window items in Chromium: `header:` and `body:` filter terms find exchanges by what only main
 * holds (headers, bodies), combined with the other terms; and an exchange's detail opens on what was sent and
 * what came back together.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { SCREENSHOTS } from '../support/browser.ts'
import { startUpstream } from '../support/upstream.ts'
import { servedUi } from './ui-helpers.ts'

function viaProxy(proxyUrl: string, url: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  const proxy = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        method,
        path: url,
        headers: { Host: new URL(url).host, ...headers },
        timeout: 10_000,
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)))
    req.on('error', reject)
    req.end()
  })
}

/** Waits until the table shows exactly these paths (in any order) and the count reads `count`. */
async function shows(page: Page, count: string, paths: string[]): Promise<void> {
  const want = [...paths].sort().join(' ')
  await page
    .waitForFunction(
      ([text, rows]) => {
        const shown = [...document.querySelectorAll('[data-testid="row"]')]
          .map((r) => /^\/[a-z]$/m.exec((r as HTMLElement).innerText)?.[0] ?? '?')
          .sort()
          .join(' ')
        return document.querySelector('[data-testid="live-count"]')?.textContent?.trim() === text && shown === rows
      },
      [count, want] as const,
      { timeout: 10_000, polling: 50 },
    )
    .catch(async () =>
      assert.fail(
        `the table should show ${count} (${want}), shows "${await page.getByTestId('live-count').innerText()}"`,
      ),
    )
}

test('the Traffic filter finds exchanges by header and by body text, with the other terms, and the detail opens on both heads', async (t) => {
  const upstream = await startUpstream((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.setHeader('X-Served-By', req.url === '/c' ? 'blue-7' : 'green-2')
    res.end(req.url === '/b' ? 'there is a Needle in this haystack' : `plain answer for ${req.url}`)
  })
  t.after(() => upstream.stop())
  const { app, page } = await servedUi(t)

  await viaProxy(app.proxyUrl, `${upstream.url}/a`, { 'X-Request-Id': 'abc-123' })
  await viaProxy(app.proxyUrl, `${upstream.url}/b`, {})
  await viaProxy(app.proxyUrl, `${upstream.url}/c`, { 'X-Request-Id': 'zzz-9' }, 'DELETE')
  await shows(page, '3 exchanges', ['/a', '/b', '/c'])

  const filter = page.getByTestId('filter')
  await filter.fill('header:x-request-id=abc')
  await shows(page, '1 of 3 exchanges', ['/a'])
  await filter.fill('header:x-request-id')
  await shows(page, '2 of 3 exchanges', ['/a', '/c'])
  await filter.fill('header:x-request-id -method:DELETE')
  await shows(page, '1 of 3 exchanges', ['/a'])
  await filter.fill('header:x-served-by=BLUE')
  await shows(page, '1 of 3 exchanges', ['/c'])
  await filter.fill('body:"needle in this"')
  await shows(page, '1 of 3 exchanges', ['/b'])
  await filter.fill('-body:"plain answer"')
  await shows(page, '1 of 3 exchanges', ['/b'])

  // With the term in place, a new exchange matching it joins the filtered table within about a second.
  await filter.fill('body:"needle in this"')
  await shows(page, '1 of 3 exchanges', ['/b'])
  await viaProxy(app.proxyUrl, `${upstream.url}/b`, {})
  await shows(page, '2 of 4 exchanges', ['/b', '/b'])

  await filter.fill('header:x-request-id=abc')
  await shows(page, '1 of 4 exchanges', ['/a'])
  // A request header matches while the row is still pending: click it once its response is in.
  await page.locator('[data-testid="row"][data-outcome="completed"]').click()
  const panel = page.getByTestId('panel-headers')
  await panel.waitFor()
  assert.match(await panel.getByTestId('request-line').innerText(), new RegExp(`^GET ${upstream.url}/a HTTP/1\\.1$`))
  assert.match(await panel.getByTestId('request-headers').innerText(), /X-Request-Id\s+abc-123/)
  assert.match(await panel.getByTestId('status-line').innerText(), /^HTTP\/1\.1 200 OK$/)
  assert.match(await panel.getByTestId('response-headers').innerText(), /X-Served-By\s+green-2/)
  await page.screenshot({ path: join(SCREENSHOTS, 'detail-headers.png') })
})
