/**
 * A gRPC-shaped exchange in the served window, in Chromium: an upstream answers `application/grpc` with two
 * length-prefixed messages and its status in chunked trailers; the detail's Headers tab shows the trailers in a
 * Trailers block, the Response tab opens the body on its messages (prefixes decoded) with the status named, and the
 * pane passes axe's WCAG 2 A/AA rules.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { needsBrowser } from '../support/browser.ts'
import { startUpstream } from '../support/upstream.ts'
import { startH2Upstream } from '../core/h2/h2-fixtures.ts'
import { servedUi, viaProxy } from './ui-helpers.ts'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe's WCAG 2 A/AA violations on the page as it is now, one line each (evaluated past the page's CSP, as in accessibility-ui). */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE)
  return (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.help + ' ' + JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))))`)) as string[]
}

function grpcFrame(message: Buffer, flags = 0): Buffer {
  const prefix = Buffer.alloc(5)
  prefix[0] = flags
  prefix.writeUInt32BE(message.length, 1)
  return Buffer.concat([prefix, message])
}

test('the window shows a gRPC answer: its trailers under the headers, its messages with their prefixes, its status named', {
  skip: needsBrowser(),
}, async (t) => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/grpc', 'grpc-encoding': 'gzip', Trailer: 'grpc-status' })
    res.write(grpcFrame(Buffer.from('hello grpc')))
    res.addTrailers({ 'grpc-status': '14', 'grpc-message': 'backend%20unavailable%20%E2%9C%97' })
    res.end(grpcFrame(Buffer.from([0x1f, 0x8b, 0x08]), 1))
  })
  t.after(() => upstream.stop())
  const { app, page } = await servedUi(t)
  await viaProxy(app.proxyUrl, `${upstream.url}/helloworld.Greeter/SayHello`)

  // Clicked once complete: a row appears pending when the request head is read, before the trailers exist.
  const row = page
    .locator('[data-testid="row"][data-outcome="completed"]')
    .filter({ hasText: '/helloworld.Greeter/SayHello' })
  await row.waitFor()
  await row.click()
  const detail = page.getByTestId('detail')
  await detail.waitFor()
  const trailers = detail.getByRole('table', { name: 'Response trailers' })
  await trailers.waitFor()
  assert.deepEqual(
    await trailers
      .locator('tr')
      .evaluateAll((rows) =>
        rows.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]),
      ),
    [
      ['grpc-status', '14'],
      ['grpc-message', 'backend%20unavailable%20%E2%9C%97'],
    ],
    'the trailers as the wire had them',
  )

  await detail.getByTestId('tab-response').click()
  const messages = detail.getByRole('region', { name: 'gRPC messages' })
  await messages.waitFor()
  assert.equal(await detail.getByRole('button', { name: 'gRPC messages' }).getAttribute('aria-pressed'), 'true')
  assert.deepEqual(await messages.getByTestId('grpc-prefix').allTextContents(), [
    '#1 at byte 0: flags 0x00 not compressed, length 10 bytes',
    '#2 at byte 15: flags 0x01 compressed (gzip), length 3 bytes',
  ])
  assert.equal(await messages.getByLabel('Message 1 as text').textContent(), 'hello grpc')
  assert.match((await messages.getByLabel('Message 2 as hex').textContent()) ?? '', /1f 8b 08/)
  assert.equal(
    await detail.getByTestId('grpc-status').textContent(),
    'gRPC status 14 UNAVAILABLE: backend unavailable ✗',
  )
  assert.deepEqual(await violations(page), [], 'the gRPC view passes axe')
  await detail.getByRole('button', { name: 'Hex' }).click()
  await detail.getByTestId('body-hex').waitFor()
  assert.equal(await messages.count(), 0, 'the Hex view replaces the messages')
})

test("the listener form's h2c upstream checkbox starts a proxy that reaches an h2c-only server", {
  skip: needsBrowser(),
}, async (t) => {
  const upstream = await startH2Upstream()
  t.after(() => upstream.stop())
  const { page } = await servedUi(t)
  await page.getByTestId('nav-pipelines').click()
  const form = page.getByRole('form', { name: 'Start a proxy' })
  await form.getByLabel('reverse').check()
  await form.getByLabel('Target URL').fill(upstream.url)
  await form.getByRole('textbox', { name: 'Port' }).fill('0')
  const h2c = form.getByRole('checkbox', { name: 'h2c upstream' })
  assert.equal(await h2c.isChecked(), false, 'HTTP/1.1 upstream by default')
  await h2c.check()
  assert.deepEqual(await violations(page), [], 'the form passes axe')
  await form.getByRole('button', { name: 'Start' }).click()
  const started = await form.getByRole('status').textContent()
  const url = /on (http:\/\/[\d.]+:\d+)/.exec(started ?? '')?.[1]
  assert.ok(url, `the form says where it started: ${started}`)
  const listener = page.getByTestId('listener').filter({ hasText: 'h2c upstream' })
  await listener.waitFor()
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    import('node:http').then(({ get }) => {
      const req = get(`${url}/via-the-window`, { timeout: 10_000 }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')))
      req.on('error', reject)
    }, reject)
  })
  assert.equal(answer.status, 200)
  assert.match(answer.body, /^hello over h2 GET \/via-the-window/)
})
