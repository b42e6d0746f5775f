/**
 * Breakpoints as a user drives them: `nanoscope serve --pipeline FILE` starts a listener whose breakpoint blocks
 * hold curl's requests; the row says "paused", the detail pane's editor changes and continues one (the upstream
 * receives it as edited), aborts another (the upstream never sees it), answers a paused response, and a third
 * nobody answers arrives unchanged after its timeout.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, SCREENSHOTS } from '../support/browser.ts'
import { startServe } from '../support/serve-process.ts'
import { startUpstream } from '../support/upstream.ts'
import { listeningUrl } from '../support/cli-process.ts'
import { needs } from '../support/counterparts.ts'
import { axeViolations } from './ui-helpers.ts'

/** curl's answer, or its exit code when it got none (52: the server closed the connection with no reply). */
function curl(args: string[]): Promise<{ status: number; body: string } | { exit: number }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '--max-time', '20', '-w', '\n%{http_code}', ...args], (error, stdout) => {
      if (error) {
        resolve({ exit: typeof error.code === 'number' ? error.code : -1 })
        return
      }
      const at = stdout.lastIndexOf('\n')
      resolve({ body: stdout.slice(0, at), status: Number(stdout.slice(at + 1)) })
    })
  })
}

test("a breakpoint holds curl's request in the window, where it is edited and continued, aborted, answered, or left to time out", {
  skip: needs('curl'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-breakpoints-ui-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const upstream = await startUpstream((req, res, body) =>
    res.end(`upstream saw ${req.method} ${req.url} ${body.toString()}`),
  )
  t.after(() => upstream.stop())
  const file = join(dir, 'api.json')
  writeFileSync(
    file,
    JSON.stringify({
      listeners: [
        {
          name: 'api',
          port: 0,
          target: upstream.url,
          pipeline: [
            { use: 'breakpoint', match: { path: '/api/*' }, on: ['request'], timeoutSeconds: 60 },
            { use: 'breakpoint', match: { path: '/resp/*' }, on: ['response'], timeoutSeconds: 60 },
            { use: 'breakpoint', match: { path: '/slow/*' }, timeoutSeconds: 1 },
          ],
        },
      ],
    }),
  )
  const app = await startServe(['--pipeline', file])
  t.after(() => app.stop())
  const apiUrl = listeningUrl(await app.cli.line(3))

  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } })).newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(app.uiUrl, { timeout: 20_000 })
  const row = (path: string) => page.locator('[data-testid="row"]', { hasText: path })

  // Edit and continue, from the keyboard.
  const edited = curl(['-X', 'POST', '-H', 'Content-Type: text/plain', '--data-binary', 'hello', `${apiUrl}/api/items`])
  await row('/api/items').getByTestId('paused-word').waitFor()
  assert.equal(await row('/api/items').locator('.cell-status').innerText(), 'paused')
  await row('/api/items').click()
  const editor = page.getByRole('form', { name: 'Paused request' })
  await editor.waitFor()
  assert.equal(await editor.getByLabel('Method', { exact: true }).inputValue(), 'POST')
  assert.match(
    await editor.getByLabel('Headers', { exact: true }).inputValue(),
    /^Host: .*\nUser-Agent: curl\/.*\nAccept: \*\/\*\nContent-Type: text\/plain\nContent-Length: 5/m,
  )
  assert.equal(await editor.getByLabel('Body', { exact: true }).inputValue(), 'hello')
  assert.deepEqual(await axeViolations(page), [], 'the paused row and its editor have no WCAG 2 A/AA violations')
  await page.screenshot({ path: join(SCREENSHOTS, 'breakpoint-editor.png') })
  await editor.getByLabel('Method', { exact: true }).fill('PUT')
  const urlField = editor.getByLabel('URL', { exact: true })
  await urlField.fill(`${await urlField.inputValue()}?edited=1`)
  const headers = editor.getByLabel('Headers', { exact: true })
  await headers.fill(`${await headers.inputValue()}\nX-Edited: in the window`)
  const bodyField = editor.getByLabel('Body', { exact: true })
  await bodyField.fill('edited in the window')
  await bodyField.press('Escape')
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    'breakpoint-editor',
    'Escape leaves the field for the editor',
  )
  assert.equal(await page.getByTestId('detail').count(), 1, 'Escape in a field does not close the detail pane')
  await editor.getByRole('button', { name: 'Continue' }).focus()
  await page.keyboard.press('Enter')
  assert.deepEqual(await edited, { status: 200, body: 'upstream saw PUT /api/items?edited=1 edited in the window' })
  const got = upstream.requests.find((r) => r.url === '/api/items?edited=1')!
  const header = (name: string) => got.rawHeaders[got.rawHeaders.indexOf(name) + 1]
  assert.equal(header('X-Edited'), 'in the window')
  assert.equal(header('Content-Length'), '20', 'Content-Length followed the edited body')
  await editor.waitFor({ state: 'detached' })
  await row('/api/items').locator('.cell-status', { hasText: '200' }).waitFor()

  // Abort: the server never sees it, and curl's connection is closed.
  const aborted = curl([`${apiUrl}/api/abort`])
  await row('/api/abort').getByTestId('paused-word').waitFor()
  await row('/api/abort').click()
  await page.getByRole('form', { name: 'Paused request' }).getByRole('button', { name: 'Abort' }).click()
  assert.deepEqual(await aborted, { exit: 52 }, 'curl got an empty reply: the connection was closed')
  assert.ok(!upstream.requests.some((r) => r.url === '/api/abort'), 'the server never saw the aborted request')

  // Respond on a paused request: the editor becomes a response to fill in, and the server is never contacted.
  const instead = curl([`${apiUrl}/api/instead`])
  await row('/api/instead').getByTestId('paused-word').waitFor()
  await row('/api/instead').click()
  await page.getByRole('form', { name: 'Paused request' }).getByRole('button', { name: 'Respond' }).click()
  const answer = page.getByRole('form', { name: 'Answer the paused request' })
  await answer.getByLabel('Status', { exact: true }).fill('201')
  await answer.getByLabel('Body', { exact: true }).fill('from the editor')
  assert.deepEqual(await axeViolations(page), [], 'the answer form has no WCAG 2 A/AA violations')
  await answer.getByRole('button', { name: 'Respond' }).click()
  assert.deepEqual(await instead, { status: 201, body: 'from the editor' })
  assert.ok(!upstream.requests.some((r) => r.url === '/api/instead'), 'the server never saw the answered request')

  // A paused response, answered from the editor.
  const answered = curl([`${apiUrl}/resp/one`])
  await row('/resp/one').getByTestId('paused-word').waitFor()
  await row('/resp/one').click()
  const responseEditor = page.getByRole('form', { name: 'Paused response' })
  assert.equal(await responseEditor.getByLabel('Status', { exact: true }).inputValue(), '200')
  assert.equal(await responseEditor.getByLabel('Body', { exact: true }).inputValue(), 'upstream saw GET /resp/one ')
  await responseEditor.getByLabel('Status', { exact: true }).fill('418')
  await responseEditor.getByLabel('Body', { exact: true }).fill('short and stout')
  await responseEditor.getByRole('button', { name: 'Respond' }).click()
  assert.deepEqual(await answered, { status: 418, body: 'short and stout' })

  // Nobody answers: it arrives unchanged after its timeout, and the row says so.
  const late = await curl(['--data-binary', 'as sent', `${apiUrl}/slow/x`])
  assert.deepEqual(late, { status: 200, body: 'upstream saw POST /slow/x as sent' })
  await row('/slow/x').click()
  await page.getByTestId('note').getByText('breakpoint timed out: request continued unchanged').waitFor()

  // "Break on requests like this" adds a breakpoint for its method, host and path to the listener's pipeline.
  assert.deepEqual(await curl([`${apiUrl}/free/one`]), { status: 200, body: 'upstream saw GET /free/one ' })
  await row('/free/one').click({ button: 'right' })
  await page.getByRole('menuitem', { name: 'Break on requests like this' }).click()
  await page.getByText('Requests like this now pause').waitFor()
  const again = curl([`${apiUrl}/free/one`])
  await page.locator('[data-testid="row"][data-paused="request"]', { hasText: '/free/one' }).waitFor()
  assert.equal(
    await curl([`${apiUrl}/free/two`]).then((r) => 'body' in r && r.body),
    'upstream saw GET /free/two ',
    'another path is not held',
  )
  await page.locator('[data-testid="row"][data-paused="request"]', { hasText: '/free/one' }).click()
  await page.getByRole('form', { name: 'Paused request' }).getByRole('button', { name: 'Continue' }).click()
  assert.deepEqual(await again, { status: 200, body: 'upstream saw GET /free/one ' })
  await row('/free/two').click({ button: 'right' })
  await page.getByRole('menuitem', { name: 'Break on requests like this' }).waitFor()
  await page.keyboard.press('Escape')
  await row('/free/one').first().click({ button: 'right' })
  await page.getByRole('menuitem', { name: 'Stop breaking on requests like this' }).click()
  await page.getByText('Requests like this no longer pause').waitFor()
  assert.deepEqual(await curl([`${apiUrl}/free/one`]), { status: 200, body: 'upstream saw GET /free/one ' })

  // Edit and resend: the same editor, filled with a captured request; the new exchange links to the original.
  await row('/free/two').click()
  await page.getByTestId('edit-resend').click()
  const resend = page.getByRole('form', { name: 'Edit and resend' })
  assert.equal(await resend.getByLabel('Method', { exact: true }).inputValue(), 'GET')
  await resend.getByLabel('Method', { exact: true }).fill('POST')
  await resend.getByLabel('Body', { exact: true }).fill('resent body')
  assert.deepEqual(await axeViolations(page), [], 'Edit and resend has no WCAG 2 A/AA violations')
  const before = upstream.requests.length
  await resend.getByRole('button', { name: 'Send' }).click()
  await page.getByText('Sent: 200').waitFor()
  const resent = upstream.requests.slice(before).find((r) => r.url === '/free/two')!
  assert.equal(resent.method, 'POST')
  assert.equal(resent.body.toString(), 'resent body')
  assert.equal(resent.rawHeaders[resent.rawHeaders.findIndex((h) => h.toLowerCase() === 'content-length') + 1], '11')
  const newRow = page
    .locator('[data-testid="row"]', { hasText: '/free/two' })
    .filter({ has: page.getByTestId('tag-resent') })
  await newRow.click()
  await page.getByTestId('resent-from').click()
  assert.equal(
    await page.locator('[data-testid="row"][aria-selected="true"]').getAttribute('data-id'),
    await row('/free/two')
      .filter({ hasNot: page.getByTestId('tag-resent') })
      .getAttribute('data-id'),
    'the link selects the original',
  )

  // Compare: the selected row and another, side by side, differences marked.
  await row('/resp/one').click()
  await row('/slow/x').click({ button: 'right' })
  await page.getByRole('menuitem', { name: /^Compare with #\d+$/ }).click()
  const compare = page.getByRole('region', { name: 'Compare' })
  await compare.getByTestId('compare-request').getByText('Request (differs)').waitFor()
  assert.match(await compare.getByTestId('compare-request').innerText(), /GET .*\/resp\/one[\s\S]*POST .*\/slow\/x/)
  await compare.getByText(/^Response body: 1 line differs$/).waitFor()
  assert.deepEqual(await axeViolations(page), [], 'Compare has no WCAG 2 A/AA violations')
  await page.screenshot({ path: join(SCREENSHOTS, 'compare.png') })
  await compare.getByRole('button', { name: 'Close compare' }).click()
  await page.getByTestId('detail').waitFor()
})
