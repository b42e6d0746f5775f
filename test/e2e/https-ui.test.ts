import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { startServe } from '../support/serve-process.ts'
import { caInfo } from '../../electron/tls/certificate-authority.ts'
import { chromiumTrustArgs } from '../../electron/tls/fingerprints.ts'
import { cert, key } from '../core/client/tls-fixture.ts'

test('Chromium trusting the CA by SPKI loads an https page through the proxy, and the decrypted exchange shows in the UI', {
  skip: needsBrowser(),
}, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'nanoscope-https-ui-'))
  t.after(() => rmSync(scratch, { recursive: true, force: true }))
  const upstreamCa = join(scratch, 'upstream-ca.pem')
  writeFileSync(upstreamCa, cert)
  const upstream = createServer({ key, cert }, (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.end('<!doctype html><title>secret page</title><h1>decrypted by nanoscope</h1>')
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    upstream.closeAllConnections()
    upstream.close()
  })
  const port = (upstream.address() as { port: number }).port

  const app = await startServe(['--upstream-ca', upstreamCa])
  t.after(() => app.stop())
  const { spki } = await caInfo()
  const ui = await launchChromium()
  t.after(() => ui.close())
  const uiPage = await ui.newPage()
  await uiPage.goto(app.uiUrl, { timeout: 20_000 })
  await uiPage.getByTestId('empty-traffic').waitFor({ timeout: 20_000 })

  const browser = await launchChromium({ proxy: app.proxyUrl, extraArgs: chromiumTrustArgs(spki) })
  t.after(() => browser.close())
  const page = await browser.newPage()
  const response = await page.goto(`https://localhost:${port}/private/page`, { timeout: 20_000 })
  assert.equal(response?.status(), 200)
  assert.equal(await page.locator('h1').innerText(), 'decrypted by nanoscope')

  // The row appears pending when the request head is read, and completes in place once the batch with its end arrives.
  const row = uiPage.locator('[data-testid="row"][data-outcome="completed"]').filter({ hasText: '/private/page' })
  await row.first().waitFor({ timeout: 10_000 })
  assert.match(await row.first().innerText(), /GET[\s\S]*localhost[\s\S]*200/)
  await uiPage.screenshot({ path: join(SCREENSHOTS, 'https-exchange.png') })
})
