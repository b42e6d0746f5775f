/** Loop detection: a request that has passed through too many proxies (its `Via` chain) is refused, not forwarded. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { MAX_VIA_HOPS, nodeClient } from '../../../electron/core/client/node-client.ts'
import { addVia } from '../../../electron/core/filters/via.ts'
import { request, withTarget } from '../../../electron/core/message.ts'
import { startServer } from '../../../electron/core/server/node-server.ts'
import { httpUpstream, within } from '../server/net-fixtures.ts'

const viaChain = (hops: number): [string, string][] =>
  hops === 0 ? [] : [['Via', Array.from({ length: hops }, (_, i) => `1.1 proxy${i}`).join(', ')]]

test('a request that has passed through 16 proxies is still forwarded, and one through 17 is refused with 508 before any connection', async () => {
  let reached = 0
  const upstream = await httpUpstream((_req, res) => {
    reached++
    res.end('ok')
  })
  const client = nodeClient({ timeoutMs: 2000 })
  try {
    const send = (hops: number) =>
      within(3000, client(request({ target: `${upstream.url}/`, headers: viaChain(hops) })), `${hops} hops`)
    const atLimit = await send(MAX_VIA_HOPS)
    assert.equal(atLimit.status, 200)
    assert.equal(reached, 1)
    const past = await send(MAX_VIA_HOPS + 1)
    assert.equal(past.status, 508)
    assert.equal(past.reason, 'Loop Detected')
    assert.equal(past.generated?.cause, 'bad-gateway')
    assert.match(past.generated?.message ?? '', /passed through 17 proxies/)
    assert.equal(reached, 1, 'the refused request never reached the upstream')
  } finally {
    client.close()
    await within(3000, upstream.close(), 'the upstream to close')
  }
})

test('a proxy sent to its own address stops after 16 laps with 508 Loop Detected, each lap named in the Via chain', async () => {
  assert.equal(MAX_VIA_HOPS, 16)
  const client = nodeClient({ timeoutMs: 5000 })
  let self = ''
  let received = 0
  const proxy = await startServer(
    addVia()(async function toItself(req) {
      received++
      return client(withTarget(req, `${self}${req.target}`))
    }),
  )
  self = `http://127.0.0.1:${proxy.port}`
  try {
    const res = await within(
      10_000,
      new Promise<{ status: number; via: string | undefined; body: string }>((resolve, reject) => {
        http
          .get(`${self}/loop`, { agent: false }, (r) => {
            let body = ''
            r.setEncoding('utf8')
            r.on('data', (c: string) => {
              body += c
            })
            r.on('end', () => resolve({ status: r.statusCode ?? 0, via: r.headers.via, body }))
          })
          .on('error', reject)
      }),
      'the looping request',
    )
    assert.equal(res.status, 508)
    assert.match(res.body, /going round in a loop/)
    // The 17th arrival is refused; the 16 laps before it each add their Via to the 508 on its way back.
    assert.equal(received, MAX_VIA_HOPS + 1)
    assert.equal(res.via?.split(',').length, MAX_VIA_HOPS)
  } finally {
    await within(5000, proxy.stop(), 'the proxy to stop')
    client.close()
  }
})
