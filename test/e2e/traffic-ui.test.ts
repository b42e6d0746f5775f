/**
 * Issue 4's "Tests show", end to end: `nanoscope serve` in its own process, the UI in headless Chromium, and
 * real requests made from Node through the proxy (absolute-form, keep-alive) to a local upstream.
 *
 * One test, in steps that build on each other (the traffic is made once): 1,000 exchanges stream in and are
 * all counted; `status:5xx` leaves only the failures, the proxy-made 502 in red; a row's detail shows the
 * request headers exactly as sent and its JSON body, prettified on request; Resend adds a row; the keyboard
 * moves, opens and closes; the Latency view draws its charts and names the upstream host.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium, SCREENSHOTS, needsBrowser } from '../support/browser.ts'
import { startServe } from '../support/serve-process.ts'
import { startUpstream } from '../support/upstream.ts'

const BULK = 1000
/** Every FAIL_EVERY-th bulk request goes to a path the upstream answers with 500. */
const FAIL_EVERY = 50
const CONCURRENCY = 16

interface Sent {
  readonly status: number
  readonly body: string
}

/** One request through the forward proxy in absolute-form; `headers` as a raw list is sent verbatim. */
function viaProxy(
  agent: Agent,
  proxyUrl: string,
  url: string,
  init: { method?: string; headers?: ReadonlyArray<readonly [string, string]>; body?: string } = {},
): Promise<Sent> {
  const proxy = new URL(proxyUrl)
  const headers = init.headers ? init.headers.map(([n, v]) => [n, v]) : { Host: new URL(url).host }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: proxy.hostname,
        port: proxy.port,
        method: init.method ?? 'GET',
        path: url,
        headers: headers as unknown as Record<string, string>,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)))
    req.on('error', reject)
    req.end(init.body)
  })
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++
        results[i] = await task(i)
      }
    }),
  )
  return results
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const liveCount = async (page: Page): Promise<string> => (await page.getByTestId('live-count').innerText()).trim()

/** Waits until the live count reads exactly `text` (e.g. "1,002 exchanges"), failing with what it showed. */
async function waitForCount(page: Page, text: string, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="live-count"]')?.textContent?.trim() === want,
      text,
      { timeout, polling: 100 },
    )
  } catch {
    assert.fail(`live count should read "${text}" but reads "${await liveCount(page)}"`)
  }
}

/** Pixels of a canvas that are clearly coloured (series strokes and fills; axes and grid lines are grey). */
function colouredPixels(
  page: Page,
  testid: string,
): Promise<{ width: number; height: number; painted: number; coloured: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-testid="${id}"]`)
    if (!canvas) return { width: 0, height: 0, painted: 0, coloured: 0 }
    const ctx = canvas.getContext('2d')!
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    let painted = 0
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i]!,
        g = data[i + 1]!,
        b = data[i + 2]!,
        a = data[i + 3]!
      if (a === 0) continue
      painted++
      if (a > 60 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
    }
    return { width: canvas.width, height: canvas.height, painted, coloured }
  }, testid)
}

test('traffic UI: 1,000 live exchanges, filter, detail, resend, keyboard and latency charts', {
  skip: needsBrowser(),
}, async (t) => {
  const started = Date.now()
  const upstream = await startUpstream((req, res, body) => {
    if (req.url?.startsWith('/fail/')) {
      res.statusCode = 500
      res.setHeader('Content-Type', 'text/plain')
      res.end('upstream broke')
      return
    }
    res.setHeader('Content-Type', 'application/json')
    res.end(req.method === 'POST' ? body : JSON.stringify({ path: req.url, ok: true }))
  })
  t.after(() => upstream.stop())
  const app = await startServe()
  t.after(() => app.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  t.after(() => agent.destroy())

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.setDefaultTimeout(10_000)
  await page.goto(app.uiUrl, { timeout: 20_000 })
  await page.getByTestId('empty-traffic').waitFor({ timeout: 20_000 })

  // 1,000 requests through the proxy while the page watches, every FAIL_EVERY-th answered 500 upstream.
  const isFail = (i: number): boolean => i % FAIL_EVERY === FAIL_EVERY - 1
  const bulk = await pool(BULK, CONCURRENCY, (i) =>
    viaProxy(agent, app.proxyUrl, `${upstream.url}/${isFail(i) ? 'fail' : 'items'}/${i}?q=${i}`),
  )
  const upstreamFailures = bulk.filter((r) => r.status === 500).length
  assert.equal(upstreamFailures, BULK / FAIL_EVERY)
  assert.equal(bulk.filter((r) => r.status === 200).length, BULK - upstreamFailures)

  // A failure the proxy makes itself: nothing listens on the target port.
  const deadPort = await closedPort()
  const dead = await viaProxy(agent, app.proxyUrl, `http://127.0.0.1:${deadPort}/nobody-home`)
  assert.equal(dead.status, 502)

  // One request with custom headers in a chosen order and case, a duplicate, and a JSON body.
  const json = '{"order":{"id":42,"items":["a","b"]},"note":"nanoscope"}'
  const sentHeaders: Array<readonly [string, string]> = [
    ['Host', new URL(upstream.url).host],
    ['X-Trace-ID', 'trace-abc-123'],
    ['content-type', 'application/json'],
    ['X-Dup', 'first'],
    ['accept', '*/*'],
    ['X-Dup', 'second'],
    ['Content-Length', String(Buffer.byteLength(json))],
    ['Connection', 'keep-alive'],
  ]
  const posted = await viaProxy(agent, app.proxyUrl, `${upstream.url}/orders/special`, {
    method: 'POST',
    headers: sentHeaders,
    body: json,
  })
  assert.equal(posted.status, 200)
  assert.equal(posted.body, json)

  const total = BULK + 2
  await waitForCount(page, `${total.toLocaleString('en-US')} exchanges`)
  assert.equal(
    await page.getByTestId('grid').getAttribute('aria-rowcount'),
    String(total + 1),
    'aria-rowcount is rows + header',
  )
  // Virtualised: only the rows in view are in the DOM.
  const rendered = await page.getByTestId('row').count()
  assert.ok(rendered > 0 && rendered < 100, `a virtualised grid renders a window of rows, not ${rendered}`)

  // status:5xx leaves the upstream's 500s and the proxy's 502, nothing else.
  await page.getByTestId('filter').fill('status:5xx')
  const failures = upstreamFailures + 1
  await waitForCount(page, `${failures} of ${total.toLocaleString('en-US')} exchanges`)
  assert.equal(await page.getByTestId('grid').getAttribute('aria-rowcount'), String(failures + 1))
  const statuses = await page
    .getByTestId('row')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status))
  assert.ok(
    statuses.length > 0 && statuses.every((s) => s === '500' || s === '502'),
    `only 5xx rows: ${statuses.join(',')}`,
  )
  const deadRow = page.getByTestId('row').filter({ hasText: '/nobody-home' })
  await deadRow.waitFor()
  assert.equal(await deadRow.getAttribute('data-status'), '502')
  assert.match((await deadRow.getAttribute('class')) ?? '', /tone-failed/)
  const red = await deadRow.locator('.status').evaluate((el) => getComputedStyle(el).color)
  const [r, g, b] = (red.match(/\d+/g) ?? []).map(Number)
  assert.ok(r! > 150 && g! < 90 && b! < 90, `the proxy-made 502 is red, not ${red}`)
  await page.screenshot({ path: join(SCREENSHOTS, 'traffic.png') })
  await deadRow.click()
  const outcome = page.getByTestId('detail').getByTestId('outcome')
  await outcome.waitFor()
  assert.match(await outcome.innerText(), /Failed[\s\S]*made by the proxy/, 'the 502 says the proxy made it')

  // The POST's detail: request headers exactly as sent (order, case, duplicates), its body raw and pretty.
  await page.getByTestId('filter').fill('/orders/special')
  await waitForCount(page, `1 of ${total.toLocaleString('en-US')} exchanges`)
  await page.getByTestId('row').filter({ hasText: '/orders/special' }).click()
  await page.getByTestId('detail').waitFor()
  await page.getByTestId('tab-request').click()
  const table = page.getByTestId('request-headers')
  await table.waitFor()
  const shown = await table
    .locator('tr')
    .evaluateAll((rows) =>
      rows.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']),
    )
  assert.deepEqual(
    shown,
    sentHeaders.map(([n, v]) => [n, v]),
    'request headers verbatim, in order, with the duplicate',
  )
  const requestBody = page.getByTestId('request-body')
  assert.equal(await requestBody.getByTestId('body-text').innerText(), json, 'the raw view is the body as sent')
  await requestBody.getByTestId('body-mode-pretty').click()
  assert.match(await requestBody.getByTestId('pretty-label').innerText(), /prettified/i)
  assert.equal(await requestBody.getByTestId('body-pretty').innerText(), JSON.stringify(JSON.parse(json), null, 2))
  await page.screenshot({ path: join(SCREENSHOTS, 'detail.png') })

  // Resend goes through the proxy again: one more exchange, and the upstream sees the request again.
  const upstreamSeen = upstream.requests.length
  await page.getByTestId('resend').click()
  await waitForCount(page, `2 of ${(total + 1).toLocaleString('en-US')} exchanges`)
  assert.equal(upstream.requests.length, upstreamSeen + 1)
  assert.equal(upstream.requests.at(-1)?.body.toString(), json)
  await page.getByText('Resent: 200').waitFor()

  // Keyboard: focus the grid, ArrowDown selects and moves, Enter opens, Escape closes, `/` focuses the filter.
  await page.getByTestId('filter').fill('')
  await waitForCount(page, `${(total + 1).toLocaleString('en-US')} exchanges`)
  await page.getByTestId('detail-close').click()
  await page.getByTestId('detail').waitFor({ state: 'detached' })
  await page.getByTestId('grid').focus()
  await page.keyboard.press('Home')
  const selected = (): Promise<string | null> => page.getByTestId('grid').getAttribute('aria-activedescendant')
  const first = await selected()
  assert.ok(first, 'Home selects the first row')
  await page.keyboard.press('ArrowDown')
  const second = await selected()
  assert.ok(second && second !== first, 'ArrowDown moves the selection')
  assert.equal(await page.locator(`#${second}`).getAttribute('aria-selected'), 'true')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowUp')
  assert.equal(await selected(), second, 'ArrowUp comes back')
  const secondPath = (await page.locator(`#${second} .cell-path`).innerText()).trim()
  await page.keyboard.press('Enter')
  await page.getByTestId('detail').waitFor()
  assert.equal(
    await page.locator('.detail-url').innerText(),
    `${upstream.url}${secondPath}`,
    'Enter opens the selected row',
  )
  await page.keyboard.press('Escape')
  await page.getByTestId('detail').waitFor({ state: 'detached' })
  await page.keyboard.press('/')
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'filter',
    '`/` focuses the filter',
  )

  // Latency: the three charts draw coloured series, and the per-host table names the upstream.
  await page.getByRole('button', { name: 'Latency' }).click()
  await page.getByTestId('latency-view').waitFor()
  const hostRow = page
    .getByTestId('host-table')
    .locator('tr')
    .filter({ hasText: new URL(upstream.url).host })
  await hostRow.waitFor()
  assert.match(await hostRow.innerText(), /\b1,?0\d\d\b/, 'the upstream host row counts its exchanges')
  await page.waitForTimeout(1200) // the view refreshes its charts once a second
  for (const id of ['latency-chart-percentiles', 'latency-chart-throughput', 'latency-chart-histogram']) {
    const px = await colouredPixels(page, id)
    assert.ok(px.width > 100 && px.height > 100, `${id} has a size (${px.width}x${px.height})`)
    assert.ok(px.painted > 500, `${id} is drawn (${px.painted} painted pixels)`)
    assert.ok(px.coloured > 50, `${id} shows a coloured series (${px.coloured} coloured pixels)`)
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'latency.png'), fullPage: true })

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  t.diagnostic(`traffic UI test took ${((Date.now() - started) / 1000).toFixed(1)} s`)
})
