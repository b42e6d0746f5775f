/** The chaos proxy's controls filter, in memory: which requests it answers itself and which go on upstream. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { HttpHandler } from '../../electron/core/http.ts'
import { request, response } from '../../electron/core/message.ts'
import { serveChaosControls } from '../../electron/chaos/chaos-controls.ts'
import { createChaosEngine } from '../../electron/chaos/engine.ts'
import { selfAddress } from '../../electron/chaos/self-address.ts'

const upstream: HttpHandler = async () => response(299)
const to = (target: string) => request({ target, headers: [['Host', '127.0.0.1:8080']] })

test('the controls answer at /chaos, and below it, for requests addressed to the proxy, and nowhere else', async () => {
  const self = selfAddress()
  self.listeningOn('http://127.0.0.1:8080')
  const filter = serveChaosControls({ engine: createChaosEngine(), self })
  const handler = filter(upstream)
  assert.equal((await handler(to('/chaos/status'))).status, 200)
  assert.notEqual((await handler(to('/chaos'))).status, 299, '/chaos itself is the API')
  for (const elsewhere of ['/chaosx/status', '/status', '/']) {
    assert.equal((await handler(to(elsewhere))).status, 299, elsewhere)
  }
  const proxied = request({ target: 'http://example.com/chaos/status', headers: [['Host', 'example.com']] })
  assert.equal((await handler(proxied)).status, 299, 'a proxied request for another host goes upstream')
  assert.equal(filter.description, 'answers the chaos control API at /chaos for requests addressed to this proxy')
})

test('a reverse proxy passes every request on: its controls are on the control port', async () => {
  const self = selfAddress()
  self.listeningOn('http://127.0.0.1:8080')
  const filter = serveChaosControls({ engine: createChaosEngine(), self, target: 'http://backend:9000' })
  assert.equal((await filter(upstream)(to('/chaos/status'))).status, 299)
  assert.equal(filter.description, 'passes every request on (chaos controls are on the control port)')
})

test('the controls need the engine they control, and say so', () => {
  assert.throws(() => serveChaosControls({}), /serveChaosControls needs the engine it controls/)
})
