/**
 * Mints server certificates for intercepted hosts, signed by the Nanoscope CA, on demand and cached.
 *
 * Every leaf shares ONE ECDSA P-256 key pair made when the minter is created, so minting a new host costs one
 * signature (a millisecond or two), not a key generation. The cache is least-recently-used by host name and
 * holds the minted promise, so concurrent handshakes for one host mint once.
 *
 * Leaves: subject CN = the host, SAN = DNS name or IP address (RFC 5280 §4.2.1.6; clients match the SAN, not
 * the CN), not a CA, keyUsage digitalSignature, extKeyUsage serverAuth, valid from a day back for a year (under
 * the 398 days browsers accept) and never past the CA's own end.
 */
import { isIP } from 'node:net'
import tls from 'node:tls'
import type { CertificateAuthority } from './certificate-authority.ts'
import { EC_KEY, EC_SIGNING, pemOf, randomSerial, subtle, x509 } from './x509.ts'

export interface Leaf {
  readonly host: string
  readonly certPem: string
  readonly certificate: x509.X509Certificate
  /** Key + leaf + CA certificate, ready for a TLS server. */
  readonly context: tls.SecureContext
  readonly notAfter: Date
}

export interface LeafMinter {
  /** The leaf for a host name or IP address: from the cache, else minted. Rejects on a name no certificate can hold. */
  mint(host: string): Promise<Leaf>
  /** How many hosts the cache holds. */
  readonly size: number
  readonly ca: CertificateAuthority
  /** The one private key every leaf shares, as PEM (for a test server that presents a minted leaf). */
  readonly keyPem: string
}

export interface MinterOptions {
  /** Hosts kept; default 1000. */
  readonly maxEntries?: number
  readonly now?: () => number
}

const DAY_MS = 86_400_000
const LEAF_DAYS = 365
/** A cached leaf this close to its end is minted again. */
const RENEW_BEFORE_MS = DAY_MS

export async function leafMinter(ca: CertificateAuthority, options: MinterOptions = {}): Promise<LeafMinter> {
  const maxEntries = options.maxEntries ?? 1000
  const now = options.now ?? Date.now
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])
  const keyPem = pemOf('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey))
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey)
  const cache = new Map<string, Promise<Leaf>>()

  async function make(host: string): Promise<Leaf> {
    const start = now()
    const caEnd = ca.certificate.notAfter.getTime()
    const notAfter = new Date(Math.min(start + LEAF_DAYS * DAY_MS, caEnd))
    const ip = isIP(host) !== 0
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: [{ CN: [host.slice(0, 64)] }, { O: ['Nanoscope'] }],
      issuer: ca.certificate.subjectName,
      notBefore: new Date(start - DAY_MS),
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: EC_SIGNING,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: host }], false),
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        authorityKeyId,
      ],
    })
    const certPem = certificate.toString('pem') + '\n'
    const context = tls.createSecureContext({ key: keyPem, cert: certPem + ca.certPem })
    return Object.freeze({ host, certPem, certificate, context, notAfter })
  }

  return {
    ca,
    keyPem,
    get size() {
      return cache.size
    },
    async mint(rawHost: string): Promise<Leaf> {
      const host = certificateHost(rawHost)
      const cached = cache.get(host)
      if (cached) {
        const leaf = await cached
        cache.delete(host)
        if (leaf.notAfter.getTime() - now() > RENEW_BEFORE_MS) {
          cache.set(host, cached)
          return leaf
        }
      }
      const minting = make(host)
      cache.set(host, minting)
      minting.catch(() => {
        if (cache.get(host) === minting) cache.delete(host)
      })
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!)
      return minting
    },
  }
}

/**
 * The name as a certificate holds it: lower case, no trailing dot, IPv6 without brackets. Throws for a name
 * that is neither a DNS name nor an IP address (an SNI can carry anything).
 */
export function certificateHost(raw: string): string {
  const host = raw
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  if (isIP(host) !== 0) return host
  if (
    host.length > 0 &&
    host.length <= 253 &&
    /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(host)
  )
    return host
  throw new Error(`"${raw}" is not a host name a certificate can be made for`)
}
