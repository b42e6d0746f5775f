import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launchChromium, needsBrowser } from '../support/browser.ts'
import { chromiumTrustArgs, spkiFingerprint } from '../../electron/tls/fingerprints.ts'
import {
  startHttpsUpstream,
  startInterceptingProxy,
  testCa,
  type HttpsUpstream,
  type InterceptingProxy,
} from './fixtures.ts'

describe('Chromium through the intercepting proxy', { skip: needsBrowser() }, () => {
  let fixture: Awaited<ReturnType<typeof testCa>>
  let upstream: HttpsUpstream
  let proxy: InterceptingProxy
  before(async () => {
    fixture = await testCa()
    upstream = await startHttpsUpstream('localhost')
    proxy = await startInterceptingProxy({ tls: { certificates: fixture.minter }, upstreamCa: [upstream.caPem] })
  })
  after(async () => {
    await proxy.stop()
    await upstream.stop()
    fixture.remove()
  })

  it('loads an https page when told to trust our CA by its SPKI fingerprint, and the page is captured decrypted', async () => {
    const browser = await launchChromium({
      proxy: proxy.url,
      extraArgs: chromiumTrustArgs(spkiFingerprint(fixture.ca.certPem)),
    })
    try {
      const page = await browser.newPage()
      const res = await page.goto(`https://localhost:${upstream.port}/from-chromium`, { timeout: 15_000 })
      assert.equal(res?.status(), 200)
      assert.equal(await page.textContent('body', { timeout: 5000 }), 'hello over https /from-chromium')
    } finally {
      await browser.close()
    }
    const get = await proxy.waitFor((e) => e.method === 'GET' && e.path === '/from-chromium')
    assert.equal(get.url, `https://localhost:${upstream.port}/from-chromium`)
  })

  it('refuses the page without the flag, and the CONNECT is recorded as a failed handshake', async () => {
    const before = proxy.captured.length
    const browser = await launchChromium({ proxy: proxy.url })
    try {
      const page = await browser.newPage()
      await assert.rejects(
        page.goto(`https://localhost:${upstream.port}/refused`, { timeout: 15_000 }),
        /ERR_CERT_AUTHORITY_INVALID/,
      )
    } finally {
      await browser.close()
    }
    const failed = await proxy.waitFor(
      (e) =>
        proxy.captured.indexOf(e) >= before &&
        e.method === 'CONNECT' &&
        e.url === `localhost:${upstream.port}` &&
        e.outcome.kind === 'failed',
    )
    assert.match(failed.outcome.kind === 'failed' ? failed.outcome.message : '', /^tls handshake failed/)
  })
})
