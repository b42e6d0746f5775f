import { test } from 'node:test'
import assert from 'node:assert/strict'
import { response } from '../../../electron/core/message.ts'
import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { MAX_PIPELINED } from '../../../electron/core/server/server-connection.ts'
import { serverContract } from './server-contract.ts'
import { rawExchange, within } from './net-fixtures.ts'

serverContract('wire server', startWireServer)

test('wire server: three times more pipelined requests than it queues are all answered, in order', async () => {
  const count = MAX_PIPELINED * 3
  const server = await startWireServer(async (req) => {
    await new Promise((resolve) => setImmediate(resolve))
    const n = req.target.slice(1)
    return response(200, { headers: [['Content-Length', String(n.length)]], body: n })
  })
  try {
    let requests = ''
    for (let i = 0; i < count; i++) requests += `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === count - 1 ? 'Connection: close\r\n' : ''}\r\n`
    const { received, closed } = await rawExchange(server.port, requests, { ms: 5000 })
    assert.ok(closed, 'the connection closes after the last answer')
    const bodies = [...received.toString('latin1').matchAll(/\r\n\r\n(\d+)/g)].map((m) => Number(m[1]))
    assert.deepEqual(bodies, Array.from({ length: count }, (_, i) => i))
  } finally {
    await within(3000, server.stop(), 'the server to stop')
  }
})
