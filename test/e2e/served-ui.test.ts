import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { launchChromium, SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { startServe } from '../support/serve-process.ts'
import { startUpstream } from '../support/upstream.ts'

function viaProxy(proxyUrl: string, url: string): Promise<number> {
  const proxy = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    httpRequest({ host: proxy.hostname, port: proxy.port, path: url, headers: { Host: new URL(url).host } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0))
    })
      .on('error', reject)
      .end()
  })
}

test('the served UI in headless Chromium shows an exchange made through the proxy', {
  skip: needsBrowser(),
}, async (t) => {
  const upstream = await startUpstream((_req, res) => {
    res.setHeader('Content-Type', 'application/json')
    res.end('{"hello":"nanoscope"}')
  })
  t.after(() => upstream.stop())
  const app = await startServe()
  t.after(() => app.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  await page.goto(app.uiUrl, { timeout: 20_000 })
  await page.getByTestId('empty-traffic').waitFor({ timeout: 20_000 })
  assert.equal(await viaProxy(app.proxyUrl, `${upstream.url}/api/greeting?lang=en`), 200)
  // The row appears pending when the request head is read, and completes in place once the batch with its end arrives.
  const row = page.locator('[data-testid="row"][data-outcome="completed"]').filter({ hasText: '/api/greeting' })
  await row.first().waitFor({ timeout: 10_000 })
  assert.match(await row.first().innerText(), /GET[\s\S]*200/)
  await page.screenshot({ path: join(SCREENSHOTS, 'first-exchange.png') })
})
