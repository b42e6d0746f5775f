import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:https'
import { request as httpRequest } from 'node:http'
import { simpleProxy } from '../../electron/apps/simple-proxy.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { cert, key } from '../core/client/tls-fixture.ts'

test("the simple proxy takes plain HTTP in and sends it to an HTTPS upstream (the seed's protocol switch)", async (t) => {
  const seen: string[] = []
  const upstream = createServer({ key, cert }, (req, res) => {
    seen.push(`${req.method} ${req.url} ${(req.socket as { encrypted?: boolean }).encrypted ? 'over TLS' : 'plain'}`)
    res.end('secure hello')
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const port = (upstream.address() as { port: number }).port
  const proxy = await mountApp(simpleProxy({ httpsUpstream: true, upstreamCa: [cert] }), { host: '127.0.0.1', port: 0 })
  t.after(async () => {
    await proxy.stop()
    upstream.closeAllConnections()
    await new Promise((r) => upstream.close(r))
  })

  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    httpRequest(
      {
        host: '127.0.0.1',
        port: proxy.server.port,
        path: `http://localhost:${port}/greeting?x=1`,
        headers: { Host: `localhost:${port}` },
      },
      (res) => {
        let body = ''
        res
          .setEncoding('utf8')
          .on('data', (d) => {
            body += d
          })
          .on('end', () => resolve({ status: res.statusCode ?? 0, text: body }))
      },
    )
      .on('error', reject)
      .end()
  })
  assert.equal(status, 200)
  assert.equal(text, 'secure hello')
  assert.deepEqual(seen, ['GET /greeting?x=1 over TLS'])
})
