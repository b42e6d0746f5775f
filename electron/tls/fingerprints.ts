/**
 * Fingerprints people compare and browsers are told about: the certificate's SHA-256 (as shown by browsers
 * and `openssl x509 -fingerprint -sha256`) and the SPKI hash Chromium's `--ignore-certificate-errors-spki-list`
 * takes (base64 SHA-256 of the DER SubjectPublicKeyInfo).
 */
import { X509Certificate, createHash } from 'node:crypto'

/** `AB:CD:…`, the SHA-256 of the whole certificate. */
export function sha256Fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256
}

/** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
export function spkiFingerprint(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}

/**
 * Chromium flags that make one browser instance accept certificates chained to the key with this SPKI hash,
 * without touching any trust store. Beware: Chromium honours the flag only with `--user-data-dir` set
 * (Playwright and Nanoscope's browser launcher always set one), and the key must be in the chain the server
 * presents, which is why intercepted connections send the CA certificate after the leaf.
 */
export function chromiumTrustArgs(spki: string): string[] {
  return [`--ignore-certificate-errors-spki-list=${spki}`]
}
