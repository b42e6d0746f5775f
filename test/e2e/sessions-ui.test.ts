import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { startUpstream } from '../support/upstream.ts'
import { servedUi, viaProxy } from './ui-helpers.ts'

test('a session recorded from the Sessions pane replays at max speed with every request the same, and the replays show in Traffic', {
  skip: needsBrowser(),
}, async (t) => {
  const upstream = await startUpstream((req, res) => {
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify({ path: req.url }))
  })
  t.after(() => upstream.stop())
  const { app, page } = await servedUi(t)

  await page.getByTestId('nav-sessions').click()
  const recorder = page.getByTestId('recorder').first()
  await recorder.getByTestId('session-name').fill('checkout flow')
  await recorder.getByTestId('start-recording').click()
  await page.getByTestId('recording-indicator').waitFor()

  for (const path of ['/api/cart', '/api/items?page=1', '/api/checkout']) {
    assert.equal((await viaProxy(app.proxyUrl, `${upstream.url}${path}`)).status, 200)
  }
  await page.getByTestId('recording-indicator-count').filter({ hasText: /^3$/ }).waitFor({ timeout: 5_000 })
  await recorder.getByTestId('recording-count').filter({ hasText: /^3$/ }).waitFor()
  await page.screenshot({ path: join(SCREENSHOTS, 'sessions-recording.png') })

  await recorder.getByTestId('stop-recording').click()
  await page.getByTestId('recording-indicator').waitFor({ state: 'detached' })
  const row = page.getByTestId('session-row').filter({ hasText: 'checkout flow' })
  await row.waitFor()
  // The recording indicator goes before the session list is sent again, so the row may still show its old count.
  const deadline = Date.now() + 5_000
  while (!/checkout flow[\s\S]*\b3\b/.test(await row.innerText()) && Date.now() < deadline)
    await page.waitForTimeout(50)
  assert.match(await row.innerText(), /checkout flow[\s\S]*\b3\b/)

  await row.getByTestId('replay-session').click()
  await page.getByTestId('replay-speed-max').click()
  await page.getByTestId('start-replay').click()
  await page.locator('[data-testid="replay-status"][data-state="done"]').waitFor({ timeout: 15_000 })
  assert.equal(await page.getByTestId('replay-progress-text').innerText(), '3 / 3')
  assert.equal(await page.locator('[data-testid="replay-result"][data-outcome="same"]').count(), 3)
  assert.match(await page.getByTestId('replay-summary').innerText(), /3 same/)
  await page.screenshot({ path: join(SCREENSHOTS, 'sessions.png'), fullPage: true })

  await page.getByTestId('nav-traffic').click()
  await page.getByTestId('tag-replayed').nth(2).waitFor()
  assert.equal(await page.getByTestId('tag-replayed').count(), 3)
  await page.screenshot({ path: join(SCREENSHOTS, 'sessions-replayed-traffic.png') })
})

test('a HAR file picked in the Sessions pane imports as a session, saying what it imported, warned about and skipped', {
  skip: needsBrowser(),
}, async (t) => {
  const { page } = await servedUi(t)
  await page.getByTestId('nav-sessions').click()
  await page.getByTestId('sessions-table').or(page.getByTestId('sessions-empty')).waitFor()
  const har = await readFile(fileURLToPath(new URL('../recording/fixtures/chrome.har', import.meta.url)))
  await page.getByTestId('har-file').setInputFiles({ name: 'shop.har', mimeType: 'application/json', buffer: har })
  const result = page.locator('[data-testid="import-result"][data-state="done"]')
  await result.waitFor()
  assert.match(await result.innerText(), /Imported 3 exchanges from shop\.har[\s\S]*skipped 1/)
  assert.match(await result.innerText(), /warning/)
  await page.getByTestId('session-row').filter({ hasText: 'shop' }).waitFor()
  await result.getByText('Skipped entries').click()
  await page.screenshot({ path: join(SCREENSHOTS, 'sessions-import.png'), fullPage: true })
})
