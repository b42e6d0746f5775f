/**
 * Small edges of the forward-proxy filters: a websocket URL switched to its secure scheme, and the local-address
 * guard accepting every IPv4 address of the machine, whatever the width of each number.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { proxyHost } from '../../../electron/core/filters/proxy-host.ts'
import { refuseCrossSite } from '../../../electron/core/filters/refuse-cross-site.ts'
import { request, response, type Request } from '../../../electron/core/message.ts'

test('proxyHost with https sends a websocket URL (ws or wss) upstream as wss, and an http one as https', async () => {
  const seen: string[] = []
  const upstream = proxyHost({ https: true })(async (req: Request) => {
    seen.push(req.target)
    return response(101)
  })
  for (const target of ['ws://chat.example/live', 'wss://chat.example:8443/live', 'http://chat.example/page'])
    await upstream(request({ target, headers: [['Host', 'chat.example']] }))
  assert.deepEqual(seen, ['wss://chat.example/live', 'wss://chat.example:8443/live', 'https://chat.example/page'])
})

test('the cross-site guard lets through a Host that is any IPv4 address, with numbers of one to three digits', async () => {
  const guarded = refuseCrossSite()(async () => response(200))
  for (const host of ['192.168.100.200', '10.20.30.40:8080', '172.16.0.1', '1.22.3.44'])
    assert.equal((await guarded(request({ target: '/', headers: [['Host', host]] }))).status, 200, host)
  assert.equal((await guarded(request({ target: '/', headers: [['Host', '1.2.3.4444']] }))).status, 403)
})
