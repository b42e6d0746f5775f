import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { requestFacts } from '../../../electron/core/client/wire-request.ts'
import type { Header } from '../../../electron/core/message.ts'

const facts = (...headers: Header[]) => requestFacts(headers)

describe('the facts the client reads from a request head', () => {
  it('counts the proxies a request passed through by its Via entries, across repeated fields, skipping empty ones', () => {
    assert.equal(facts(['Host', 'a']).viaHops, 0)
    assert.equal(facts(['Via', '1.1 nanoscope']).viaHops, 1)
    assert.equal(facts(['via', '1.0 fred, 1.1 p.example.net']).viaHops, 2)
    assert.equal(facts(['Via', '1.1 a,, ,\t1.1 b ,']).viaHops, 2)
    assert.equal(facts(['Via', '1.1 a'], ['VIA', '1.1 b, 1.1 c'], ['Host', 'x']).viaHops, 3)
    assert.equal(facts(['Via', ' , ']).viaHops, 0)
  })

  it('notices Host, Content-Length, Transfer-Encoding and Upgrade in any case', () => {
    assert.deepEqual(
      facts(['HOST', 'a'], ['content-length', '3'], ['Transfer-Encoding', 'chunked'], ['upgrade', 'websocket']),
      { host: true, contentLength: true, transferEncoding: 'chunked', viaHops: 0, upgrade: true },
    )
    assert.deepEqual(facts(), {
      host: false,
      contentLength: false,
      transferEncoding: undefined,
      viaHops: 0,
      upgrade: false,
    })
  })
})
