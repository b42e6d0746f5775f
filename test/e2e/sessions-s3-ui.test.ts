import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createS3Session } from '../../electron/recording/s3-session-store.ts'
import { SCREENSHOTS, launchChromium, needsBrowser } from '../support/browser.ts'
import { s3Env, s3rverClient, startS3 } from '../support/s3-server.ts'
import { startServe } from '../support/serve-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { exchange, tempDir } from '../recording/support.ts'
import { axeViolations, viaProxy } from './ui-helpers.ts'

test('the Sessions pane lists an s3:// prefix typed from the keyboard, replays, stands in and exports from it, and says a missing bucket in one line', {
  skip: needsBrowser(),
}, async (t) => {
  const dir = await tempDir()
  t.after(() => dir.remove())
  const s3 = await startS3(join(dir.dir, 'bucket-store'))
  t.after(() => s3.stop())
  const upstream = await startUpstream((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`live ${req.url}`)
  })
  t.after(() => upstream.stop())

  // A teammate's session in the bucket: three exchanges with the upstream, answered "recorded …".
  const client = s3rverClient(s3.endpoint)
  t.after(() => client.destroy())
  const writer = await createS3Session('s3://team/shared/checkout', { client, name: 'checkout' })
  for (const [i, path] of ['/cart', '/items?page=1', '/pay'].entries())
    await writer.append(
      exchange({ url: `${upstream.url}${path}`, responseBody: `recorded ${path}`, startedAt: 1_700_000_000_000 + i }),
    )
  await writer.close()

  const app = await startServe([], s3Env(s3.endpoint))
  t.after(() => app.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(app.uiUrl, { timeout: 20_000 })
  await page.getByTestId('empty-traffic').waitFor({ timeout: 20_000 })

  await page.getByTestId('nav-sessions').click()
  const location = page.getByRole('textbox', { name: 'Location' })
  await location.focus()
  await page.keyboard.type('s3://team/shared')
  await page.keyboard.press('Enter')
  const row = page.getByTestId('session-row').filter({ hasText: 'checkout' })
  await row.waitFor()
  assert.equal(await row.getByTestId('session-location').innerText(), 's3://team/shared/checkout')
  assert.match(await row.innerText(), /checkout[\s\S]*\d{4}-\d\d-\d\d \d\d:\d\d[\s\S]*\t3\t[\d.]+ kB/)
  assert.equal(
    await row.getByRole('button', { name: /^Delete|^Rename/ }).count(),
    0,
    'a bucket session offers no rename or delete',
  )
  assert.deepEqual(await axeViolations(page), [], 'the Sessions pane showing a bucket has no WCAG 2 A/AA violations')
  await page.screenshot({ path: join(SCREENSHOTS, 'sessions-s3.png') })

  // Replay through the proxy, started from the keyboard.
  await row.getByTestId('replay-session').focus()
  await page.keyboard.press('Enter')
  assert.equal(await page.getByTestId('replay-session-select').inputValue(), 's3://team/shared/checkout')
  await page.getByTestId('replay-speed-max').click()
  await page.getByTestId('start-replay').click()
  await page.locator('[data-testid="replay-status"][data-state="done"]').waitFor({ timeout: 15_000 })
  assert.equal(await page.getByTestId('replay-progress-text').innerText(), '3 / 3')
  assert.deepEqual(
    upstream.requests.map((r) => r.url),
    ['/cart', '/items?page=1', '/pay'],
  )

  // Stand in from the bucket: the proxy answers from the recording and the upstream hears nothing more.
  await page.getByTestId('stand-in').first().selectOption('s3://team/shared/checkout')
  await page.getByTestId('stand-in-on').first().waitFor()
  const answer = await viaProxy(app.proxyUrl, `${upstream.url}/pay`)
  assert.deepEqual(answer, { status: 200, body: 'recorded /pay' })
  assert.equal(upstream.requests.length, 3)
  await page.getByTestId('stand-in').first().selectOption('')

  // Export HAR from the bucket.
  const download = page.waitForEvent('download')
  await row.getByTestId('export-session').click()
  const har = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as {
    log: { entries: Array<{ request: { url: string } }> }
  }
  assert.deepEqual(
    har.log.entries.map((e) => new URL(e.request.url).pathname),
    ['/cart', '/items', '/pay'],
  )

  // Faults are one line in the pane: a bucket that does not exist, and a location that is not one.
  await location.fill('s3://no-such-bucket/x')
  await page.keyboard.press('Enter')
  const error = page.getByTestId('sessions-error')
  await error.waitFor()
  assert.match(
    await error.innerText(),
    /^Could not list the sessions in s3:\/\/no-such-bucket\/x: s3:\/\/no-such-bucket\/x: no such bucket \(at http:\/\/127\.0\.0\.1:\d+\) Try again$/,
  )
  await location.fill('/etc')
  await page.keyboard.press('Enter')
  assert.match(
    await page.getByTestId('sessions-location-error').innerText(),
    /Type a bucket location like s3:\/\/bucket\/prefix/,
  )
  await page.getByTestId('show-local-sessions').click()
  await page.getByTestId('sessions-table').or(page.getByTestId('sessions-empty')).waitFor()
})
