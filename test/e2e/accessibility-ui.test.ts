/**
 * Every pane against axe-core's WCAG 2 A and AA rules (contrast, names of controls, ARIA use), in the light and
 * the dark theme, with traffic in the table (one request still in flight), the detail open and the undo toast
 * showing. A violation fails with the rule, what it says and the elements it found.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { SCREENSHOTS } from '../support/browser.ts'
import { startUpstream } from '../support/upstream.ts'
import { servedUi, viaProxy } from './ui-helpers.ts'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Violation {
  id: string
  help: string
  nodes: Array<{ target: unknown[]; failureSummary?: string }>
}

/** axe's WCAG 2 A/AA violations on the page as it is now, as one readable line each. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated over the debugging protocol: the page's Content-Security-Policy (rightly) refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE)
  const found =
    (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`)) as Violation[]
  return found.map(
    (v) =>
      `${v.id}: ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} (${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)})`).join('; ')}`,
  )
}

/** Pixels of a chart's canvas that are clearly coloured (series; axes and grid lines are grey). */
function colouredPixels(page: Page, testid: string): Promise<number> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('canvas[data-testid="${testid}"]')
    if (!canvas) return 0
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 60 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++
    }
    return coloured
  })()`) as Promise<number>
}

const PANES = ['latency', 'sessions', 'chaos', 'clock', 'pipelines', 'setup'] as const

test("every pane passes axe's WCAG 2 A/AA rules in the light and the dark theme", async (t: TestContext) => {
  let release: (() => void) | undefined
  const upstream = await startUpstream((req, res) => {
    const answer = (): void => {
      res.setHeader('Content-Type', 'application/json')
      res.end('{"ok":true}')
    }
    if (req.url === '/hold') release = answer
    else if (req.url === '/missing') {
      res.statusCode = 404
      res.end('no')
    } else answer()
  })
  const releaseOnce = (): void => {
    const answer = release
    release = undefined
    answer?.()
  }
  t.after(() => {
    releaseOnce()
    return upstream.stop()
  })
  const { app, page } = await servedUi(t)
  for (const path of ['/a', '/b', '/missing']) await viaProxy(app.proxyUrl, `${upstream.url}${path}`)
  // Held until the end (its client gives up after 10 s; by then the pending row has been checked).
  const held = viaProxy(app.proxyUrl, `${upstream.url}/hold`).catch(() => undefined)
  t.after(async () => {
    releaseOnce()
    await held
  })
  await page.locator('[data-testid="row"][data-outcome="pending"]').waitFor({ timeout: 10_000 })

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.getByTestId('nav-traffic').click()
    await page.getByTestId('row').first().click()
    await page.getByTestId('detail').waitFor()
    await page.getByTestId('tab-response').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, `traffic-${scheme}.png`) })
    const problems: string[] = (await violations(page)).map((v) => `traffic (${scheme}): ${v}`)
    await page.getByTestId('tab-request').click()
    await page.getByTestId('head-raw').click()
    problems.push(...(await violations(page)).map((v) => `traffic, raw request (${scheme}): ${v}`))
    await page.getByTestId('head-parsed').click()
    await page.getByTestId('detail-close').click()

    await page.getByTestId('row').nth(1).click({ button: 'right' })
    await page.getByTestId('row-menu').waitFor()
    problems.push(...(await violations(page)).map((v) => `traffic, row menu (${scheme}): ${v}`))
    await page.keyboard.press('Escape')
    await page.getByTestId('row-menu').waitFor({ state: 'detached' })
    await page.getByTestId('filter').fill('status:abc')
    await page.getByTestId('filter-problems').filter({ hasText: 'status:abc' }).waitFor()
    await page.getByTestId('filter-help-button').click()
    problems.push(...(await violations(page)).map((v) => `traffic, filter help and problem (${scheme}): ${v}`))
    await page.getByTestId('filter-help-button').click()
    await page.getByTestId('filter').fill('')

    await page.getByTestId('clear').click()
    await page.getByTestId('clear-undo').waitFor()
    problems.push(...(await violations(page)).map((v) => `traffic, cleared with undo (${scheme}): ${v}`))
    await page.getByTestId('undo-clear').click()
    await page.getByTestId('row').first().waitFor()

    for (const pane of PANES) {
      await page.getByTestId(`nav-${pane}`).click()
      await page.waitForTimeout(300) // its state loads
      problems.push(...(await violations(page)).map((v) => `${pane} (${scheme}): ${v}`))
      if (pane === 'latency') {
        // Three exchanges in one second are one sample: a line needs two, so it shows as a point.
        await page.waitForTimeout(1200)
        assert.ok(
          (await colouredPixels(page, 'latency-chart-percentiles')) > 0,
          'the percentile chart shows its one sample',
        )
        if (scheme === 'light') await page.screenshot({ path: join(SCREENSHOTS, 'latency-one-sample.png') })
        // The percentile chart of one host: the upstream's, picked from the hosts seen.
        await page.getByTestId('latency-host').selectOption(new URL(upstream.url).host)
        await page.waitForTimeout(300)
        assert.ok(
          (await colouredPixels(page, 'latency-chart-percentiles')) > 0,
          'the chart of the picked host shows its sample',
        )
        await page
          .getByTestId('latency-host')
          .selectOption('127.0.0.1:1', { timeout: 500 })
          .then(
            () => assert.fail('only hosts seen are offered'),
            () => undefined,
          )
        await page.getByTestId('latency-host').selectOption('')
      }
    }
    assert.deepEqual(problems, [], `axe found:\n${problems.join('\n')}`)
  }
})
