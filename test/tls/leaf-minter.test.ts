import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { x509 } from '../../electron/tls/x509.ts'
import { certificateHost } from '../../electron/tls/leaf-minter.ts'
import { hostMatcher, parseHostList } from '../../electron/core/matching/host-patterns.ts'
import { testCa } from './fixtures.ts'

describe('minting leaf certificates', () => {
  let fixture: Awaited<ReturnType<typeof testCa>>
  before(async () => {
    fixture = await testCa()
  })
  after(() => fixture.remove())

  it('names the host in the SAN, signs with the CA, and is a server certificate that is not a CA', async () => {
    const leaf = await fixture.minter.mint('Shop.Example.com')
    const cert = new x509.X509Certificate(leaf.certPem)
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)
    assert.deepEqual(san?.names.toJSON(), [{ type: 'dns', value: 'shop.example.com' }])
    assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false)
    assert.deepEqual(
      [...(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [x509.ExtendedKeyUsage.serverAuth],
    )
    const node = new X509Certificate(leaf.certPem)
    const ca = new X509Certificate(fixture.ca.certPem)
    assert.equal(node.ca, false)
    assert.ok(node.checkIssued(ca) && node.verify(ca.publicKey), 'the CA signed it')
    assert.equal(node.checkHost('shop.example.com'), 'shop.example.com')
  })

  it('gives an IP address an IP SAN', async () => {
    const leaf = await fixture.minter.mint('127.0.0.1')
    const san = new x509.X509Certificate(leaf.certPem).getExtension(x509.SubjectAlternativeNameExtension)
    assert.deepEqual(san?.names.toJSON(), [{ type: 'ip', value: '127.0.0.1' }])
    assert.equal(new X509Certificate(leaf.certPem).checkIP('127.0.0.1'), '127.0.0.1')
  })

  it("is valid from a day back for about a year, within the CA's own validity", async () => {
    const leaf = await fixture.minter.mint('window.example')
    const cert = new X509Certificate(leaf.certPem)
    const from = new Date(cert.validFrom).getTime()
    const to = new Date(cert.validTo).getTime()
    const now = Date.now()
    assert.ok(from < now - 23 * 3600_000 && from > now - 25 * 3600_000, `validFrom ${cert.validFrom}`)
    assert.ok(to > now + 360 * 86_400_000 && to < now + 366 * 86_400_000, `validTo ${cert.validTo}`)
    assert.ok(to <= fixture.ca.certificate.notAfter.getTime())
  })

  it('returns the cached certificate object for a host it has minted, quickly', async () => {
    const first = await fixture.minter.mint('cached.example')
    const start = performance.now()
    const second = await fixture.minter.mint('CACHED.example.')
    assert.equal(second, first)
    assert.ok(performance.now() - start < 5, 'a cache hit takes under 5 ms')
  })

  it('mints one certificate for concurrent requests for the same host', async () => {
    const [a, b] = await Promise.all([fixture.minter.mint('twice.example'), fixture.minter.mint('twice.example')])
    assert.equal(a, b)
  })

  it('mints a distinct certificate for each new host (minting speed is measured by npm run bench)', async () => {
    const serials = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const leaf = await fixture.minter.mint(`host-${i}.speed.example`)
      const cert = new X509Certificate(leaf.certPem)
      assert.ok(cert.checkHost(`host-${i}.speed.example`))
      serials.add(cert.serialNumber)
    }
    assert.equal(serials.size, 20)
  })

  it('shares one key pair across every leaf', async () => {
    const a = new X509Certificate((await fixture.minter.mint('a.example')).certPem)
    const b = new X509Certificate((await fixture.minter.mint('b.example')).certPem)
    assert.ok(a.publicKey.equals(b.publicKey))
  })

  it('refuses names no certificate can hold', () => {
    assert.throws(() => certificateHost('bad name,with=stuff'), /not a host name/)
    assert.equal(certificateHost('[::1]'), '::1')
  })
})

describe('passthrough host patterns', () => {
  it('match exact hosts and, with *., any name under a domain', () => {
    const matches = hostMatcher(parseHostList('bank.example, *.corp.example'))
    assert.equal(matches('bank.example'), true)
    assert.equal(matches('BANK.example.'), true)
    assert.equal(matches('www.bank.example'), false)
    assert.equal(matches('a.corp.example'), true)
    assert.equal(matches('a.b.corp.example'), true)
    assert.equal(matches('corp.example'), false)
    assert.equal(matches('notcorp.example'), false)
    assert.equal(hostMatcher(['*'])('anything'), true)
  })
})
