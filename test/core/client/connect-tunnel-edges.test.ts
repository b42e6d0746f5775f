/**
 * The edges of the CONNECT handler that need no tunnel: what it answers a request that is not a CONNECT, a client
 * gone before the connection is up, and which authority-form targets (RFC 9112 §3.2.3) it accepts.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import { connectTunnel, parseAuthority } from '../../../electron/core/client/connect-tunnel.ts'
import { bodyText, request } from '../../../electron/core/message.ts'
import { within } from '../server/net-fixtures.ts'

test('a request that is not a CONNECT cannot open a tunnel: a generated 400 naming its method', async () => {
  const res = await connectTunnel()(request({ method: 'GET', target: '127.0.0.1:443' }))
  assert.equal(res.status, 400)
  assert.equal(res.generated?.cause, 'bad-request')
  assert.equal(await bodyText(res.body), 'only CONNECT can open a tunnel, not GET\n')
  assert.equal(res.tunnel, undefined)
})

test('a client that went away before the tunnel is up gets a generated 499 client-aborted, at once', async () => {
  const never = ((_h: string, _o: unknown, _callback: unknown) => {}) as unknown as net.LookupFunction
  const gone = new AbortController()
  gone.abort()
  const res = await within(
    1000,
    connectTunnel({ lookup: never })({
      ...request({ method: 'CONNECT', target: 'slow.test:443' }),
      signal: gone.signal,
    }),
    'the answer to an aborted CONNECT',
  )
  assert.equal(res.status, 499)
  assert.equal(res.generated?.cause, 'client-aborted')
  assert.equal(await bodyText(res.body), 'the client went away before slow.test:443 answered\n')

  const leaving = new AbortController()
  const pending = connectTunnel({ lookup: never })({
    ...request({ method: 'CONNECT', target: 'slow.test:8443' }),
    signal: leaving.signal,
  })
  leaving.abort()
  const later = await within(1000, pending, 'the answer once the client leaves')
  assert.equal(later.status, 499)
  assert.equal(later.generated?.cause, 'client-aborted')
  assert.equal(await bodyText(later.body), 'the client went away before slow.test:8443 answered\n')
})

test('an authority needs a port from 1 to 65535 and a host, a bracketed IPv6 literal or a name', () => {
  assert.deepEqual(parseAuthority('example.com:1'), { host: 'example.com', port: 1 })
  assert.deepEqual(parseAuthority('example.com:65535'), { host: 'example.com', port: 65535 })
  assert.deepEqual(parseAuthority('[2001:db8::1]:443'), { host: '2001:db8::1', port: 443 })
  for (const target of ['example.com:0', 'example.com:65536', ':443', '[]:443', 'a b:443', 'user@h:443', 'h:443x'])
    assert.equal(parseAuthority(target), undefined, target)
})
