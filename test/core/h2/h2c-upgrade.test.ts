import { it, describe } from 'node:test'
import assert from 'node:assert/strict'
import { needs } from '../../support/counterparts.ts'
import { startUpstream } from '../../support/upstream.ts'
import { startInterceptingProxy } from '../../tls/fixtures.ts'
import { removeHopByHop } from '../../../electron/core/filters/hop-by-hop.ts'
import { request, response, type Request } from '../../../electron/core/message.ts'
import { run } from './h2-fixtures.ts'

describe('an HTTP/1.1 Upgrade: h2c offer', () => {
  it('is declined: the request goes upstream without Upgrade, HTTP2-Settings or Connection, a websocket one keeps them', async () => {
    const seen: Request[] = []
    const handler = removeHopByHop()(async (req) => {
      seen.push(req)
      return response(200, { body: 'ok' })
    })
    await handler(
      request({
        target: '/',
        headers: [
          ['Host', 'h'],
          ['Connection', 'Upgrade, HTTP2-Settings'],
          ['Upgrade', 'h2c'],
          ['HTTP2-Settings', 'AAMAAABkAAQAoAAAAAIAAAAA'],
          ['Accept', '*/*'],
        ],
      }),
    )
    assert.deepEqual(seen[0]!.headers, [
      ['Host', 'h'],
      ['Accept', '*/*'],
    ])
    const websocket = request({
      target: '/ws',
      headers: [
        ['Host', 'h'],
        ['Connection', 'Upgrade'],
        ['Upgrade', 'websocket'],
      ],
    })
    await handler(websocket)
    assert.equal(seen[1], websocket)
  })

  it('from curl --http2 gets its answer in HTTP/1.1 through the proxy, captured like any exchange', {
    skip: needs('curl'),
  }, async (t) => {
    const upstream = await startUpstream((req, res) => {
      res.setHeader('Content-Type', 'text/plain')
      res.end(`upgrade header upstream: ${req.headers.upgrade ?? 'none'}`)
    })
    const proxy = await startInterceptingProxy({ target: upstream.url })
    t.after(async () => {
      await proxy.stop()
      await upstream.stop()
    })
    const result = await run('curl', [
      '-sS',
      '-v',
      '--http2',
      '--max-time',
      '10',
      '-w',
      '\n%{http_version}',
      `${proxy.url}/up`,
    ])
    assert.match(result.stderr, /Upgrade: h2c/i, 'curl offered the upgrade')
    assert.equal(result.stdout, 'upgrade header upstream: none\n1.1')
    const x = await proxy.waitFor((e) => e.path === '/up' && e.outcome.kind === 'completed')
    assert.equal(x.status, 200)
    assert.equal(x.httpVersion, '1.1')
  })
})
