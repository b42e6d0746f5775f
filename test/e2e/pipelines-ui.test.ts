/**
 * The Pipelines pane as a user drives it: `nanoscope serve --pipeline FILE` starts the file's listener, the user
 * adds a mock block in the window, and curl through that listener gets the mock's answer; a bad block is
 * refused with the field named and the running pipeline kept; switching the block off lets requests through.
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

function curl(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '--max-time', '10', '-w', '\n%{http_code}', url], (error, stdout) => {
      if (error) {
        reject(error)
        return
      }
      const at = stdout.lastIndexOf('\n')
      resolve({ body: stdout.slice(0, at), status: Number(stdout.slice(at + 1)) })
    })
  })
}

test('a mock block added in the Pipelines pane answers curl through a listener started from a pipeline file', {
  skip: needs('curl'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-pipelines-ui-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const upstream = await startUpstream((req, res) => res.end(`upstream ${req.url}`))
  t.after(() => upstream.stop())
  const file = join(dir, 'api.json')
  writeFileSync(
    file,
    JSON.stringify({ listeners: [{ name: 'api', port: 0, target: upstream.url, pipeline: [{ use: 'latency' }] }] }),
  )
  const app = await startServe(['--pipeline', file])
  t.after(() => app.stop())
  const apiUrl = listeningUrl(await app.cli.line(3))
  assert.match(await app.cli.line(3), /\(api\)$/)
  assert.equal((await curl(`${apiUrl}/health`)).body, 'upstream /health')

  const browser = await launchChromium()
  t.after(() => browser.close())
  // bypassCSP lets the test inject axe-core; the app's own CSP stays as it is.
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } })).newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(app.uiUrl, { timeout: 20_000 })
  await page.getByTestId('nav-pipelines').click()
  const card = page.getByRole('region', { name: 'Blocks of api', exact: true })
  await card.getByRole('button', { name: 'Add block to api' }).click()
  await card.getByLabel('Block kind').selectOption('mock')
  // The form is drawn from the block's schema and starts from the kind's example.
  assert.equal(await card.getByLabel('match › path', { exact: true }).inputValue(), '/health')
  await card.getByLabel('respond › status', { exact: true }).fill('200')
  await card.getByLabel('respond › body', { exact: true }).fill('mocked in the window')
  assert.deepEqual(await axeViolations(page), [], 'the block form has no WCAG 2 A/AA violations')
  await page.screenshot({ path: join(SCREENSHOTS, 'pipelines-block-form.png'), fullPage: true })
  await card.getByRole('button', { name: 'Add block', exact: true }).click()
  await card.getByTestId('block').getByText('answers requests for /health with 200').waitFor()
  const mocked = await curl(`${apiUrl}/health`)
  assert.deepEqual(mocked, { status: 200, body: 'mocked in the window' })
  assert.equal((await curl(`${apiUrl}/other`)).body, 'upstream /other')
  // Traffic says which exchanges a block acted on, and on which listener.
  await page.getByTestId('nav-traffic').click()
  await page.locator('[data-testid="row"] .cell-rule', { hasText: 'mocked · api' }).first().waitFor()
  await page.getByTestId('nav-pipelines').click()

  // A bad edit is refused, named by its field, and the running pipeline stays.
  await card.getByRole('button', { name: 'Edit block 3 (mock)' }).click()
  await card.getByRole('button', { name: 'JSON' }).click()
  await card
    .getByLabel('Options of block 3 (mock) (JSON)')
    .fill(JSON.stringify({ use: 'mock', respond: { status: 700 } }))
  await card.getByRole('button', { name: 'Apply' }).click()
  const alert = card.getByRole('alert')
  await alert.waitFor()
  assert.match(await alert.innerText(), /pipeline\[2\]\.respond\.status: must be between 100 and 599/)
  assert.equal((await curl(`${apiUrl}/health`)).body, 'mocked in the window')
  await card.getByRole('button', { name: 'Cancel' }).click()

  assert.deepEqual(await axeViolations(page), [], 'the Pipelines pane has no WCAG 2 A/AA violations')
  await page.screenshot({ path: join(SCREENSHOTS, 'pipelines-editor.png'), fullPage: true })

  // Switched off, the block stays in the list and requests reach the server again.
  await card.getByRole('checkbox', { name: 'On: block 3 (mock)' }).click()
  await card.getByTestId('block').getByText('(switched off)').waitFor()
  assert.equal((await curl(`${apiUrl}/health`)).body, 'upstream /health')

  // Moved first and removed: the list follows.
  await card.getByRole('button', { name: 'Move block 3 (mock) up' }).click()
  await card.getByRole('button', { name: 'Remove block 2 (mock)' }).click()
  const kinds = () => card.getByTestId('block').locator('.badge').allInnerTexts()
  for (let i = 0; i < 50 && (await kinds()).length !== 2; i++) await page.waitForTimeout(100)
  assert.deepEqual(
    (await kinds()).map((k) => k.toLowerCase()),
    ['latency', 'chaos'],
    await card.innerText(),
  )
})
