/**
 * Issue 24's "must fix" list, driven as a user would in Chromium: `nanoscope serve` in its own process, requests
 * from Node through its proxy to a local upstream that can hold a request as long as the test likes.
 *
 * Steps share one served app: a held request shows at once as pending with its time ticking and completes in
 * place; Ctrl+K in the filter box clears the filter and never the traffic, while the Clear button empties the
 * table with an Undo; Path, Status and Duration stay in view with the detail open at 1440 and 1024 px; a
 * selected row stays put while traffic streams, and "N new — jump to latest" brings the tail back.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Agent, request as httpRequest } from 'node:http'
import type { Page } from 'playwright-core'
import { launchChromium, SCREENSHOTS } from '../support/browser.ts'
import { startServe } from '../support/serve-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { openUi } from './ui-helpers.ts'

/** A GET through the forward proxy; resolves with the status once the response has ended. */
function get(agent: Agent, proxyUrl: string, url: string): Promise<number> {
  const proxy = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: proxy.hostname,
        port: proxy.port,
        path: url,
        headers: { Host: new URL(url).host },
        timeout: 20_000,
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)))
    req.on('error', reject)
    req.end()
  })
}

const rows = (page: Page) => page.getByTestId('row')
const liveCount = async (page: Page): Promise<string> => (await page.getByTestId('live-count').innerText()).trim()

async function waitForCount(page: Page, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="live-count"]')?.textContent?.trim() === want,
      text,
      { timeout: 10_000, polling: 50 },
    )
  } catch {
    assert.fail(`live count should read "${text}" but reads "${await liveCount(page)}"`)
  }
}

/** Waits until the element with this test id has the keyboard focus (focus moves after React draws), failing with the message. */
async function waitForFocus(page: Page, testid: string, message: string): Promise<void> {
  try {
    await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testid, {
      timeout: 3_000,
      polling: 20,
    })
  } catch {
    assert.fail(
      `${message}: the focus is on ${await page.evaluate('document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName')}`,
    )
  }
}

/** The seconds a pending row's ticking time shows ("1.2 s" → 1.2), checking its Status says "pending". */
async function elapsedShown(page: Page, id: string): Promise<number> {
  const row = page.locator(`[data-testid="row"][data-id="${id}"]`)
  assert.equal((await row.locator('.cell-status').innerText()).trim(), 'pending')
  const text = await row.locator('[data-testid="in-flight"]').innerText()
  const match = /^([\d.]+) s$/.exec(text.trim())
  assert.ok(match, `a pending row's duration should read "N s", read "${text}"`)
  return Number(match[1])
}

test('the traffic table as DevTools users expect it: live pending rows, safe shortcuts, room for the detail, a selection that stays', async (t: TestContext) => {
  const held: Array<() => void> = []
  const upstream = await startUpstream((req, res) => {
    const answer = (): void => {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ path: req.url }))
    }
    if (req.url?.startsWith('/hold')) held.push(answer)
    else answer()
  })
  t.after(() => {
    for (const release of held) release()
    return upstream.stop()
  })
  const app = await startServe()
  t.after(() => app.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  t.after(() => agent.destroy())
  const page = await openUi(browser, app.uiUrl)
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  const send = (path: string): Promise<number> => get(agent, app.proxyUrl, `${upstream.url}${path}`)

  await t.test(
    'a request in flight shows at once as pending, its time ticking, and completes in the same row',
    async () => {
      const answered = send('/hold/slow')
      await page.locator('[data-testid="row"][data-outcome="pending"]').waitFor({ timeout: 5_000 })
      const id = await page.locator('[data-testid="row"][data-outcome="pending"]').getAttribute('data-id')
      assert.ok(id)
      const first = await elapsedShown(page, id)
      await page.waitForTimeout(1_200)
      const later = await elapsedShown(page, id)
      assert.ok(
        later >= first + 0.9,
        `the elapsed time should tick: ${first} s, then ${later} s a little over a second later`,
      )
      await page.screenshot({ path: join(SCREENSHOTS, 'traffic-pending.png') })
      // The detail opens on Headers: the request as sent, and the response once there is one.
      await page.locator(`[data-testid="row"][data-id="${id}"]`).click()
      held.shift()!() // released first, so a failed check below cannot leave the request hanging
      assert.equal(await page.getByTestId('tab-headers').getAttribute('aria-selected'), 'true')
      assert.equal(await answered, 200)
      const row = page.locator(`[data-testid="row"][data-id="${id}"]`)
      await page.waitForFunction(
        (rowId) =>
          document.querySelector(`[data-testid="row"][data-id="${rowId}"]`)?.getAttribute('data-outcome') ===
          'completed',
        id,
        { timeout: 5_000 },
      )
      assert.equal(await row.getAttribute('data-status'), '200')
      assert.equal(await rows(page).count(), 1, 'the completed exchange replaced its pending row, not added one')
      await page.getByTestId('status-line').filter({ hasText: '200' }).waitFor({ timeout: 5_000 })
      await page.keyboard.press('Escape')
      await page.getByTestId('detail').waitFor({ state: 'detached' })
    },
  )

  await t.test('Ctrl+K in the filter box clears the filter and leaves every exchange captured', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await send(`/item/${i}`), 200)
    await waitForCount(page, '4 exchanges')
    const filter = page.getByTestId('filter')
    await filter.click()
    await filter.fill('status:5xx')
    await waitForCount(page, '0 of 4 exchanges')
    await page.keyboard.press('Control+k')
    assert.equal(await filter.inputValue(), '')
    await waitForCount(page, '4 exchanges')
    await page.waitForTimeout(300) // long enough for a clear to have come back from the host
    assert.equal(await liveCount(page), '4 exchanges')
    assert.equal(await page.getByTestId('clear-undo').count(), 0, 'no clear happened')
  })

  await t.test('the filter names a term it did not understand, and its syntax is one click away', async () => {
    const filter = page.getByTestId('filter')
    await filter.fill('status:abc')
    await page.getByTestId('filter-problems').filter({ hasText: 'status:abc' }).waitFor()
    assert.match(await page.getByTestId('filter-problems').innerText(), /"status:abc": a status is three digits/)
    await filter.fill('')
    await page.getByTestId('filter-help-button').click()
    const help = page.getByTestId('filter-help')
    assert.match(await help.innerText(), /status:5xx[\s\S]*is:pending/)
    await help.getByRole('button', { name: 'is:pending' }).click()
    assert.equal(await filter.inputValue(), 'is:pending')
    await waitForCount(page, '0 of 4 exchanges')
    await page.getByTestId('filter-help-button').click()
    await filter.focus()
    await page.keyboard.press('Control+k')
    await waitForCount(page, '4 exchanges')
  })

  await t.test(
    'Clear empties the table with an Undo that brings the exchanges back; the host forgets them only after',
    async () => {
      await page.getByTestId('clear').click()
      await waitForCount(page, '0 exchanges')
      assert.equal(
        (await page.getByTestId('clear-undo').innerText()).replace(/\s+/g, ' ').trim(),
        '4 exchanges cleared Undo',
      )
      await page.getByTestId('undo-clear').click()
      await waitForCount(page, '4 exchanges')
      assert.equal(await page.getByTestId('clear-undo').count(), 0)

      // Ctrl+K outside a text field is the shortcut for the same undoable clear.
      await page.getByTestId('grid').focus()
      await page.keyboard.press('Control+k')
      await waitForCount(page, '0 exchanges')
      await page.getByTestId('clear-undo').waitFor({ state: 'detached', timeout: 10_000 })
      await page.reload()
      await page.getByTestId('empty-traffic').waitFor({ timeout: 10_000 })
      assert.equal(await liveCount(page), '0 exchanges', 'once the undo lapsed, the host forgot them too')
    },
  )

  await t.test(
    'with the detail open, the Path, Status and Duration headers stay inside the window at 1440 and 1024 px',
    async () => {
      for (let i = 0; i < 30; i++) await send(`/api/v1/customers/${i}/orders?include=items`)
      await waitForCount(page, '30 exchanges')
      await page.getByTestId('grid').focus()
      for (const [width, height] of [
        [1440, 900],
        [1024, 768],
      ] as const) {
        await page.setViewportSize({ width, height })
        await rows(page).first().click()
        await page.getByTestId('detail').waitFor()
        // A string, so the bundler's helpers for named functions never reach the page.
        const boxes = (await page.evaluate(`(() => {
        const box = (selector) => document.querySelector(selector)?.getBoundingClientRect().toJSON()
        const header = (id) => box('[role="columnheader"][data-column="' + id + '"]')
        return { grid: box('[data-testid="grid"]'), detail: box('[data-testid="detail"]'),
          path: header('path'), status: header('status'), duration: header('duration'), innerWidth }
      })()`)) as Record<'grid' | 'detail' | 'path' | 'status' | 'duration', DOMRect | undefined> & {
          innerWidth: number
        }
        await page.screenshot({ path: join(SCREENSHOTS, `traffic-detail-${width}.png`) })
        for (const name of ['path', 'status', 'duration'] as const) {
          const b = boxes[name]
          assert.ok(b, `${width} px: the ${name} column header is shown`)
          assert.ok(
            b.left >= boxes.grid!.left && b.right <= boxes.grid!.right + 0.5,
            `${width} px: the ${name} header (${b.left}–${b.right}) should be inside the table (${boxes.grid!.left}–${boxes.grid!.right})`,
          )
          assert.ok(b.right <= boxes.innerWidth, `${width} px: the ${name} header should end inside the window`)
          const d = boxes.detail!
          const covered = b.right > d.left && b.left < d.right && b.bottom > d.top && b.top < d.bottom
          assert.ok(!covered, `${width} px: the detail pane must not cover the ${name} header`)
        }
        await page.keyboard.press('Escape')
        await page.getByTestId('detail').waitFor({ state: 'detached' })
      }
      await waitForFocus(page, 'grid', 'Esc gives the table the focus back')
      await page.setViewportSize({ width: 1280, height: 860 })
    },
  )

  await t.test('the raw view shows each head as on the wire, one click from the parsed table', async () => {
    await rows(page).first().click()
    await page.getByTestId('tab-response').click()
    assert.equal((await page.getByTestId('start-line-response').innerText()).trim(), 'HTTP/1.1 200 OK')
    await page.getByTestId('head-raw').click()
    const response = (await page.getByTestId('raw-response').innerText()).split('\n')
    assert.equal(response[0], 'HTTP/1.1 200 OK')
    assert.equal(response[1], 'Content-Type: application/json', 'headers in the order and case the server sent them')
    await page.getByTestId('tab-request').click()
    const request = (await page.getByTestId('raw-request').innerText()).split('\n')
    assert.match(
      request[0]!,
      /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/customers\/0\/orders\?include=items HTTP\/1\.1$/,
    )
    assert.match(request[1]!, /^Host: 127\.0\.0\.1:\d+$/)
    await page.screenshot({ path: join(SCREENSHOTS, 'raw-view.png') })
    await page.getByTestId('head-parsed').click()
    await page.getByTestId('detail-close').click()
    await page.getByTestId('detail').waitFor({ state: 'detached' })
    await waitForFocus(page, 'grid', 'closing the detail gives the table the focus back')
  })

  await t.test(
    'a selected row stays in view while traffic streams, and "N new — jump to latest" brings the tail back',
    async () => {
      const last = rows(page).last()
      const id = await last.getAttribute('data-id')
      await last.click()
      let streaming = true
      const stream = (async () => {
        while (streaming) {
          await send('/stream')
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      try {
        await page.waitForFunction(
          () => Number.parseInt(document.querySelector('[data-testid="live-count"]')?.textContent ?? '0', 10) >= 60,
          undefined,
          { timeout: 15_000, polling: 50 },
        )
      } finally {
        streaming = false
        await stream
      }
      const selected = page.locator(`[data-testid="row"][data-id="${id}"]`)
      assert.equal(await selected.getAttribute('aria-selected'), 'true')
      const inView = await page.evaluate((rowId) => {
        const row = document.querySelector(`[data-testid="row"][data-id="${rowId}"]`)?.getBoundingClientRect()
        const grid = document.querySelector('[data-testid="grid"]')!.getBoundingClientRect()
        return row !== undefined && row.top >= grid.top && row.bottom <= grid.bottom
      }, id)
      assert.ok(inView, 'the selected row is still on screen after 30 or more exchanges arrived')
      const jump = page.getByTestId('jump-latest')
      assert.match((await jump.innerText()).trim(), /^\d+ new — jump to latest/)
      const count = Number.parseInt(await liveCount(page), 10)
      await jump.click()
      await jump.waitFor({ state: 'detached' })
      await page.waitForFunction(
        (n) => {
          const lastRow = document
            .querySelector(`[data-testid="row"][aria-rowindex="${n + 1}"]`)
            ?.getBoundingClientRect()
          const grid = document.querySelector('[data-testid="grid"]')!.getBoundingClientRect()
          return lastRow !== undefined && lastRow.bottom <= grid.bottom + 1 && lastRow.top >= grid.top
        },
        count,
        { timeout: 5_000 },
      )
    },
  )

  await t.test("a row's context menu copies, resends and filters by host, by mouse or keyboard", async () => {
    // The streaming step's last exchanges may still be arriving: read the count once it has settled.
    let total = -1
    for (let settled = Number.parseInt((await liveCount(page)).replace(/,/g, ''), 10); settled !== total; ) {
      total = settled
      await page.waitForTimeout(300)
      settled = Number.parseInt((await liveCount(page)).replace(/,/g, ''), 10)
    }
    const first = rows(page).first()
    const host = (await first.locator('.cell-host').innerText()).trim()
    await first.click({ button: 'right' })
    const menu = page.getByTestId('row-menu')
    await menu.waitFor()
    // "Compare with #N" joins the end of the menu when another row is selected.
    assert.deepEqual(
      (await menu.getByRole('menuitem').allInnerTexts())
        .map((t) => t.trim())
        .filter((t) => !t.startsWith('Compare with #')),
      [
        'Copy URL',
        'Copy as curl',
        'Copy as fetch',
        'Copy as HTTPie',
        'Copy as Python requests',
        'Break on requests like this',
        'Resend',
        `Only host ${host}`,
      ],
    )
    await waitForFocus(page, 'row-menu-copy-url', 'the first item has the focus')
    for (const next of [
      'row-menu-copy-curl',
      'row-menu-copy-fetch',
      'row-menu-copy-httpie',
      'row-menu-copy-python-requests',
      'row-menu-break-like',
      'row-menu-resend',
      'row-menu-filter-host',
    ]) {
      await page.keyboard.press('ArrowDown')
      assert.equal(
        await page.evaluate('document.activeElement?.getAttribute("data-testid")'),
        next,
        'ArrowDown moves to the next item',
      )
    }
    await page.keyboard.press('Enter')
    await menu.waitFor({ state: 'detached' })
    await page.waitForFunction(
      (want) => document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.value === want,
      `host:${host}`,
      { timeout: 5_000 },
    )
    await page.getByTestId('filter').fill('')
    await waitForCount(page, `${total.toLocaleString('en-US')} exchanges`)

    await page.getByTestId('grid').focus()
    await page.keyboard.press('Shift+F10')
    await menu.waitFor()
    await page.getByTestId('row-menu-resend').click()
    await page.getByTestId('row-menu-said').filter({ hasText: 'Resent: 200' }).waitFor()
    await waitForCount(page, `${(total + 1).toLocaleString('en-US')} exchanges`)
    await page.keyboard.press('Shift+F10')
    await menu.waitFor()
    await page.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
    await waitForFocus(page, 'grid', 'Esc gives the table the focus back')
  })

  await t.test(
    'the Waterfall column, from the Columns menu, places each exchange in time among the rows in view',
    async () => {
      if ((await page.getByTestId('detail').count()) > 0) await page.getByTestId('detail-close').click() // beside it, the table keeps fewer columns
      await page.getByTestId('columns-button').click()
      await page.getByRole('menuitemcheckbox', { name: 'Waterfall' }).locator('input').check()
      await page.keyboard.press('Escape')
      await page.locator('[role="columnheader"][data-column="waterfall"]').waitFor()
      const bars = (await page.evaluate(`[...document.querySelectorAll('[data-testid="row"] .wf-bar')].map((b) => {
      const bar = b.getBoundingClientRect(); const cell = b.closest('.cell').getBoundingClientRect()
      return { left: bar.left - cell.left, width: bar.width, cell: cell.width, top: bar.top }
    }).filter((b) => b.top > 0)`)) as Array<{ left: number; width: number; cell: number }>
      assert.ok(bars.length > 5, 'rows in view have bars')
      assert.ok(
        bars.every((b) => b.width >= 2 && b.left >= 0 && b.left + b.width <= b.cell + 1),
        'every bar is drawn inside its cell',
      )
      const lefts = bars.map((b) => b.left)
      assert.ok(Math.max(...lefts) - Math.min(...lefts) > 20, 'later exchanges start further right')
      await page.screenshot({ path: join(SCREENSHOTS, 'traffic-waterfall.png') })
      await page.getByTestId('columns-button').click()
      await page.getByRole('menuitemcheckbox', { name: 'Waterfall' }).locator('input').uncheck()
      await page.keyboard.press('Escape')
    },
  )

  await t.test(
    "the views come first in the Tab order, the filter is the Traffic pane's, and REC never moves the toolbar",
    async () => {
      await page.reload()
      await rows(page).first().waitFor()
      await page.keyboard.press('Tab')
      assert.equal(await page.evaluate('document.activeElement?.getAttribute("data-testid")'), 'nav-traffic')
      const x = (testid: string) =>
        page.evaluate(
          `document.querySelector('[data-testid="${testid}"]').getBoundingClientRect().left`,
        ) as Promise<number>
      const before = [await x('clear'), await x('proxy-address'), await x('filter')]
      await page.getByTestId('nav-sessions').click()
      assert.equal(await page.getByTestId('filter').count(), 0, 'no filter box outside Traffic')
      assert.equal(await page.getByTestId('live-count').count(), 0, 'no traffic count outside Traffic')
      await page.getByTestId('start-recording').first().click()
      await page.getByTestId('recording-indicator').waitFor()
      await page.keyboard.press('/')
      await page.getByTestId('filter').waitFor()
      await waitForFocus(page, 'filter', '/ opens Traffic with the filter focused')
      assert.deepEqual(
        [await x('clear'), await x('proxy-address'), await x('filter')],
        before,
        'REC appearing moved nothing',
      )
      const dot = (await page.evaluate(
        `getComputedStyle(document.querySelector('[data-testid="capture-toggle"] .dot')).backgroundColor`,
      )) as string
      const rec = (await page.evaluate(
        `getComputedStyle(document.querySelector('[data-testid="recording-indicator"] .rec-dot')).backgroundColor`,
      )) as string
      assert.notEqual(dot, rec, "the Capturing dot is not REC's red")
      await page.getByTestId('nav-sessions').click()
      await page.getByTestId('stop-recording').first().click()
      await page.getByTestId('recording-indicator').waitFor({ state: 'detached' })
      await page.getByTestId('nav-traffic').click()
    },
  )

  assert.deepEqual(pageErrors, [])
})
