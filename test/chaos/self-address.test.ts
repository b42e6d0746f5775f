/** Which requests are addressed to the proxy itself (its control API) rather than proxied: by Host and port. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { networkInterfaces } from 'node:os'
import { request } from '../../electron/core/message.ts'
import { selfAddress } from '../../electron/chaos/self-address.ts'

const listening = (url: string) => {
  const self = selfAddress()
  self.listeningOn(url)
  return (host: string | undefined, target = '/chaos/status') =>
    self.addresses(request({ target, headers: host === undefined ? [] : [['Host', host]] }))
}

test('nothing is addressed to a proxy that does not yet know where it listens', () => {
  assert.equal(selfAddress().addresses(request({ target: '/', headers: [['Host', '127.0.0.1:8080']] })), false)
})

test('an origin-form request whose Host is the listening address and port is for the proxy, in any case and spacing', () => {
  const forUs = listening('http://127.0.0.1:8080')
  assert.equal(forUs('127.0.0.1:8080'), true)
  assert.equal(forUs(' 127.0.0.1:8080 '), true)
  assert.equal(forUs('LOCALHOST:8080'), true)
  assert.equal(forUs('127.0.0.1:8081'), false)
  assert.equal(forUs('127.0.0.1'), false, 'no port is port 80')
  assert.equal(forUs(undefined), false)
  assert.equal(forUs(''), false)
  assert.equal(forUs('a:b:8080'), false)
  assert.equal(forUs('127.0.0.1:8080', 'http://127.0.0.1:8080/chaos/status'), false, 'absolute form is proxied')
})

test('a Host with anything before the name or after the port is not the proxy', () => {
  const forUs = listening('http://127.0.0.1:8080')
  assert.equal(forUs('evil:127.0.0.1:8080'), false)
  assert.equal(forUs('127.0.0.1:8080x'), false)
})

test('a proxy on another address of this machine answers for that address by name', () => {
  assert.equal(listening('http://192.0.2.1:8080')('192.0.2.1:8080'), true)
  assert.equal(listening('http://[2001:db8::1]:8080')('[2001:DB8::1]:8080'), true)
  assert.equal(listening('http://127.0.0.2:8080')('localhost:8080'), true, 'any 127.x is loopback')
})

test('port 80 is the default on both sides', () => {
  const forUs = listening('http://127.0.0.1')
  assert.equal(forUs('127.0.0.1'), true)
  assert.equal(forUs('127.0.0.1:80'), true)
  assert.equal(forUs('127.0.0.1:8080'), false)
})

test('a proxy on a loopback address answers for every loopback name, and for no other host', () => {
  const forUs = listening('http://127.0.0.1:8080')
  for (const name of ['localhost', '127.0.0.2', '[::1]']) assert.equal(forUs(`${name}:8080`), true, name)
  assert.equal(forUs('example.com:8080'), false)
  assert.equal(forUs('10.0.0.1:8080'), false)
  const named = listening('http://localhost:9000')
  assert.equal(named('127.0.0.1:9000'), true)
  assert.equal(named('example.com:9000'), false)
})

test('an IPv6 listening address matches its bracketed form', () => {
  const forUs = listening('http://[::1]:8080')
  assert.equal(forUs('[::1]:8080'), true)
  assert.equal(forUs('localhost:8080'), true)
  assert.equal(forUs('[::2]:8080'), false)
})

test('a proxy on every interface answers for loopback names and for this machine own addresses only', () => {
  const forUs = listening('http://0.0.0.0:8080')
  assert.equal(forUs('127.0.0.1:8080'), true)
  assert.equal(forUs('localhost:8080'), true)
  const own = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((i) => i.family === 'IPv4' && !i.internal)
  if (own) assert.equal(forUs(`${own.address}:8080`), true, own.address)
  assert.equal(forUs('192.0.2.1:8080'), false, 'a documentation address no machine has')
  assert.equal(forUs('example.com:8080'), false)
  assert.equal(listening('http://[::]:8080')('localhost:8080'), true, 'the IPv6 wildcard too')
  assert.equal(listening('http://[::]:8080')('[::1]:8080'), true)
  const specific = listening('http://192.0.2.1:8080')
  assert.equal(specific('localhost:8080'), false, 'a proxy on one other address is not reached as localhost')
})
