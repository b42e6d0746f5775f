import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { startUpstream } from '../support/upstream.ts'
import { servedUi, toProxyItself, viaProxy } from './ui-helpers.ts'

test('chaos switched on in the pane answers 503, and the HTTP control API switches it off and on again within a second', {
  skip: needsBrowser(),
}, async (t) => {
  const upstream = await startUpstream()
  t.after(() => upstream.stop())
  const { app, page } = await servedUi(t)

  await page.getByTestId('nav-chaos').click()
  const engine = page.getByTestId('chaos-engine').first()
  await engine.getByTestId('chaos-switch').waitFor()
  assert.equal(await engine.getByTestId('chaos-switch').getAttribute('aria-checked'), 'false')

  // A bad stage is caught as you type, and the engine's error names the field.
  const editor = engine.getByTestId('stage-json')
  await editor.fill('[{"type":"trigger"')
  assert.match(await engine.getByTestId('stage-check').innerText(), /Not valid JSON/)
  assert.equal(await engine.getByTestId('apply-chaos').isDisabled(), true)
  await editor.fill('[{"type":"trigger","trigger":{"type":"always"},"behaviour":{"type":"status","status":999}}]')
  await engine.getByTestId('apply-chaos').click()
  assert.match(await engine.getByTestId('chaos-error').innerText(), /status/)
  await engine.getByTestId('revert-chaos').click()

  // The engine starts with http4k's default stage (latency), kept while chaos is off: switch it for a 503.
  assert.equal(await engine.getByTestId('behaviour-latency-toggle').isChecked(), true)
  await engine.getByTestId('behaviour-latency-toggle').uncheck()
  await engine.getByTestId('behaviour-status-toggle').check()
  await engine.getByTestId('behaviour-status-status').fill('503')
  assert.match(await editor.inputValue(), /"status": 503/)
  await engine.getByTestId('apply-chaos').click()
  await page.getByTestId('chaos-banner').waitFor()
  assert.equal(await engine.getByTestId('chaos-switch').getAttribute('aria-checked'), 'true')
  // In plain words, not the engine's `Always ReturnStatus (503)`.
  assert.match(await page.getByTestId('chaos-banner').innerText(), /every request answers 503/)
  assert.doesNotMatch(await page.getByTestId('chaos-banner').innerText(), /ReturnStatus|wait|PT\d/)

  assert.equal((await viaProxy(app.proxyUrl, `${upstream.url}/flaky`)).status, 503)
  await engine.getByTestId('chaotic-count').filter({ hasText: /^1$/ }).waitFor({ timeout: 3_000 })
  await page.screenshot({ path: join(SCREENSHOTS, 'chaos.png'), fullPage: true })
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.screenshot({ path: join(SCREENSHOTS, 'chaos-dark.png') })
  await page.emulateMedia({ colorScheme: 'light' })

  const off = await toProxyItself(app.proxyUrl, 'POST', '/chaos/deactivate')
  assert.equal(off.status, 200)
  await page.locator('[data-testid="chaos-switch"][aria-checked="false"]').waitFor({ timeout: 1_000 })
  await page.getByTestId('chaos-banner').waitFor({ state: 'detached', timeout: 1_000 })
  assert.equal((await viaProxy(app.proxyUrl, `${upstream.url}/fine`)).status, 200)

  const on = await toProxyItself(app.proxyUrl, 'POST', '/chaos/activate')
  assert.equal(on.status, 200)
  await page.locator('[data-testid="chaos-switch"][aria-checked="true"]').waitFor({ timeout: 1_000 })
  await page.getByTestId('chaos-banner').waitFor({ timeout: 1_000 })

  // One click on the banner turns it off.
  await page.getByTestId('chaos-banner-off').click()
  await page.getByTestId('chaos-banner').waitFor({ state: 'detached', timeout: 2_000 })
  assert.match(JSON.parse((await toProxyItself(app.proxyUrl, 'GET', '/chaos/status')).body).chaos, /none/i)

  // The chaos row's note shows in the detail pane.
  await page.getByTestId('nav-traffic').click()
  await page.getByTestId('row').filter({ hasText: '/flaky' }).click()
  await page.getByTestId('chaos-note').waitFor()
  await page.screenshot({ path: join(SCREENSHOTS, 'chaos-detail.png') })
})
