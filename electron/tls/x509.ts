/**
 * @peculiar/x509, loaded the one way that works: `reflect-metadata` first (its ASN.1 schemas need it), and
 * Node's WebCrypto as the crypto provider. Import the library from here, never directly.
 */
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

export { x509 }

/** ECDSA on P-256 with SHA-256: small keys, fast signatures, accepted by every current TLS client. */
export const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const
export const EC_SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const

export const subtle = webcrypto.subtle as unknown as SubtleCrypto

/** A random positive serial number of 16 bytes, as hex (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return Buffer.from(bytes).toString('hex')
}

export function pemOf(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`
}

export function derOf(pem: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64'))
}
