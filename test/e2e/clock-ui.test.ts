import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { servedUi } from './ui-helpers.ts'

test("the Clock pane ticks over a captured websocket whose frames show in the exchange's Frames tab", {
  skip: needsBrowser(),
}, async (t) => {
  const { page } = await servedUi(t)

  await page.getByTestId('nav-clock').click()
  await page.getByTestId('clock-connect').click()
  await page.getByTestId('clock-tick').nth(1).waitFor({ timeout: 8_000 })
  assert.match(await page.getByTestId('clock-status').innerText(), /Connected/)
  assert.match(await page.getByTestId('clock-time').innerText(), /\d\d:\d\d:\d\d/)
  assert.match(await page.getByTestId('clock-tick').first().innerText(), /\d{4}-\d\d-\d\dT/)
  await page.screenshot({ path: join(SCREENSHOTS, 'clock.png'), fullPage: true })

  await page.getByTestId('nav-traffic').click()
  const row = page.getByTestId('row').filter({ hasText: '/clock' })
  await row.first().click()
  await page.getByTestId('tab-frames').click()
  await page.getByTestId('frame').nth(1).waitFor({ timeout: 5_000 })
  const before = await page.getByTestId('frame').count()
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="frame"]').length > n, before, {
    timeout: 5_000,
  })
  assert.match(await page.getByTestId('frame').first().innerText(), /↓[\s\S]*text[\s\S]*\d{4}-\d\d-\d\dT/)
  await page.screenshot({ path: join(SCREENSHOTS, 'clock-frames.png') })

  await page.getByTestId('nav-clock').click()
  await page.getByTestId('clock-disconnect').click()
  await page.getByTestId('clock-status').filter({ hasText: 'Disconnected' }).waitFor()

  await page.getByTestId('nav-setup').click()
  await page.getByTestId('ca-sha256').waitFor()
  assert.match(await page.getByTestId('ca-sha256').innerText(), /[0-9A-F]{2}(:[0-9A-F]{2}){31}|[0-9a-f]{64}/i)
  assert.match(await page.getByTestId('intercepting').innerText(), /interception is on/)
  await page.screenshot({ path: join(SCREENSHOTS, 'setup.png'), fullPage: true })
})
