import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { startServe } from '../support/serve-process.ts'
import { startH2Upstream } from '../core/h2/h2-fixtures.ts'

/** GET through a forward proxy (absolute-form target), bounded. */
function viaProxy(proxyUrl: string, url: string): Promise<{ status: number; body: string }> {
  const proxy = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        path: url,
        headers: { Host: new URL(url).host },
        timeout: 10_000,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

test('serve --h2c-upstream has its proxy speak h2c to http:// upstreams, so an h2c-only server answers', async (t) => {
  const upstream = await startH2Upstream()
  t.after(() => upstream.stop())
  const app = await startServe(['--h2c-upstream', '--no-intercept'])
  t.after(() => app.stop())
  const answer = await viaProxy(app.proxyUrl, `${upstream.url}/through-serve`)
  assert.equal(answer.status, 200)
  assert.equal(answer.body, `hello over h2 GET /through-serve for 127.0.0.1:${upstream.port}`)
})
