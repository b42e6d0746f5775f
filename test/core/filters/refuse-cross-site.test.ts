/**
 * The guard of a local control surface (the chaos API): what a web page or a DNS-rebinding attack is refused, and
 * what curl and the app's own page are let through, called in memory with the next handler a plain function.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { refuseCrossSite } from '../../../electron/core/filters/refuse-cross-site.ts'
import { bodyText, header, request, response, type Header } from '../../../electron/core/message.ts'

const guarded = refuseCrossSite()(async () => response(200, { body: 'through' }))
const send = (...headers: Header[]) => guarded(request({ target: '/chaos/status', headers }))

async function refused(headers: Header[], why: string): Promise<void> {
  const res = await send(...headers)
  assert.equal(res.status, 403, JSON.stringify(headers))
  assert.equal(header(res, 'Content-Type'), 'text/plain; charset=utf-8')
  assert.equal(await bodyText(res.body), `Forbidden: ${why}.\n`)
}

test('the guard says what it does', () => {
  assert.equal(refuseCrossSite().description, 'refuses requests from other web origins and under foreign host names')
})

test('curl and test suites, with a local Host and no Origin, pass', async () => {
  for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:3000', '[::1]:9', '10.0.0.2', '[fe80::1]']) {
    const res = await send(['Host', host])
    assert.equal(res.status, 200, host)
    assert.equal(await bodyText(res.body), 'through')
  }
  assert.equal((await send()).status, 200, 'no Host at all (HTTP/1.0)')
})

test('a foreign host name, as DNS rebinding would send, is refused naming it', async () => {
  await refused([['Host', 'Evil.example:8080']], 'the Host "evil.example:8080" is not an address of this machine')
  await refused(
    [['Host', 'localhost.evil.example']],
    'the Host "localhost.evil.example" is not an address of this machine',
  )
  await refused([['Host', '127.0.0.1.evil:80']], 'the Host "127.0.0.1.evil:80" is not an address of this machine')
  await refused([['Host', 'x127.0.0.1']], 'the Host "x127.0.0.1" is not an address of this machine')
})

test('a page of another origin is refused; the page served from the same address passes', async () => {
  await refused(
    [
      ['Host', '127.0.0.1:8080'],
      ['Origin', 'http://evil.example'],
    ],
    'requests from http://evil.example are not accepted',
  )
  await refused(
    [
      ['Host', '127.0.0.1:8080'],
      ['Origin', 'http://127.0.0.1:9090'],
    ],
    'requests from http://127.0.0.1:9090 are not accepted',
  )
  const same = await send(['Host', '127.0.0.1:8080'], ['Origin', 'HTTP://127.0.0.1:8080'])
  assert.equal(same.status, 200)
})

test('a request a browser marks cross-site is refused even without an Origin', async () => {
  await refused(
    [
      ['Host', 'localhost:8080'],
      ['Sec-Fetch-Site', 'Cross-Site'],
    ],
    'cross-site requests are not accepted',
  )
  for (const site of ['same-origin', 'same-site', 'none'])
    assert.equal((await send(['Host', 'localhost:8080'], ['Sec-Fetch-Site', site])).status, 200, site)
})
