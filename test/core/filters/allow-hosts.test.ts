import { test } from 'node:test'
import assert from 'node:assert/strict'
import { allowHosts } from '../../../electron/core/filters/allow-hosts.ts'
import { request, response, GENERATED_HEADER, header } from '../../../electron/core/message.ts'
import type { HttpHandler } from '../../../electron/core/http.ts'

const reached: string[] = []
const upstream: HttpHandler = async (req) => {
  reached.push(req.target)
  return response(200)
}
const gate = allowHosts(['localhost', '*.internal.test'])(upstream)

test('allowed hosts pass, in absolute form and as CONNECT authorities', async () => {
  reached.length = 0
  assert.equal((await gate(request({ target: 'http://localhost:8080/a' }))).status, 200)
  assert.equal((await gate(request({ method: 'CONNECT', target: 'api.internal.test:443' }))).status, 200)
  assert.deepEqual(reached, ['http://localhost:8080/a', 'api.internal.test:443'])
})

test('any other host is refused by Nanoscope itself, without reaching the upstream', async () => {
  reached.length = 0
  for (const target of ['https://update.example.com/x', 'accounts.example.com:443', '/no-host-at-all']) {
    const res = await gate(request({ method: target.includes('/') ? 'GET' : 'CONNECT', target }))
    assert.equal(res.status, 403, target)
    assert.equal(header(res, GENERATED_HEADER), 'bad-request')
  }
  assert.deepEqual(reached, [])
})
