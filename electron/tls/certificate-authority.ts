/**
 * Nanoscope's local certificate authority: an ECDSA P-256 key and a self-signed CA certificate, made on first
 * use in the user's data directory and reused afterwards.
 *
 * Files, in `<data dir>/ca/` unless a directory is given: `nanoscope-ca.pem` (the certificate, safe to share)
 * and `nanoscope-ca.key` (the private key, mode 0600). Beware: anyone holding the key can impersonate any site
 * to a client that trusts the certificate; never copy it anywhere.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { dataDir } from '../platform/data-dir.ts'
import { sha256Fingerprint, spkiFingerprint } from './fingerprints.ts'
import { EC_KEY, EC_SIGNING, derOf, pemOf, randomSerial, subtle, x509 } from './x509.ts'

export const CA_CERT_FILE = 'nanoscope-ca.pem'
export const CA_KEY_FILE = 'nanoscope-ca.key'
/** The CA's own validity: ten years, starting a day back so a skewed clock still accepts it. */
const CA_YEARS = 10
const DAY_MS = 86_400_000

export interface CertificateAuthority {
  readonly certPath: string
  readonly keyPath: string
  readonly certPem: string
  readonly certificate: x509.X509Certificate
  /** The CA's private key, usable only for signing. */
  readonly signingKey: CryptoKey
  /** True when this call made the CA (first run). */
  readonly created: boolean
}

export interface CaOptions {
  /** Where the CA files live; default `<data dir>/ca`. */
  readonly dir?: string
  /** Injected clock for the validity window; default Date.now. */
  readonly now?: () => number
}

/** What the Setup pane and `nanoscope ca` show. */
export interface CaInfo {
  readonly certPath: string
  /** SHA-256 of the certificate, `AB:CD:…`. */
  readonly sha256: string
  /** Base64 SHA-256 of the SubjectPublicKeyInfo, for Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spki: string
  readonly pem: string
}

export function defaultCaDir(): string {
  return join(dataDir(), 'ca')
}

/** Loads the CA from `dir`, making it first if there is none. Throws, saying what to do, if it is half there. */
export async function loadOrCreateCa(options: CaOptions = {}): Promise<CertificateAuthority> {
  const dir = options.dir ?? defaultCaDir()
  const certPath = join(dir, CA_CERT_FILE)
  const keyPath = join(dir, CA_KEY_FILE)
  const hasCert = existsSync(certPath)
  const hasKey = existsSync(keyPath)
  if (hasCert && hasKey) return load(certPath, keyPath, false)
  if (hasCert || hasKey) {
    throw new Error(
      `the CA in ${dir} is incomplete (${hasCert ? CA_KEY_FILE : CA_CERT_FILE} is missing): delete that folder to make a new CA`,
    )
  }
  const made = await makeCa(options.now ?? Date.now)
  try {
    writeCa(dir, made)
  } catch (error) {
    // Another process made one at the same moment: use theirs.
    if (existsSync(certPath) && existsSync(keyPath)) return load(certPath, keyPath, false)
    throw error
  }
  return load(certPath, keyPath, true)
}

/** The CA's path and fingerprints, making the CA first if there is none. */
export async function caInfo(options: CaOptions = {}): Promise<CaInfo> {
  return infoOf(await loadOrCreateCa(options))
}

export function infoOf(ca: CertificateAuthority): CaInfo {
  return {
    certPath: ca.certPath,
    sha256: sha256Fingerprint(ca.certPem),
    spki: spkiFingerprint(ca.certPem),
    pem: ca.certPem,
  }
}

interface MadeCa {
  readonly certPem: string
  readonly keyPem: string
}

async function makeCa(now: () => number): Promise<MadeCa> {
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])
  const start = now()
  const notAfter = new Date(start)
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: ['Nanoscope CA'] }, { O: ['Nanoscope'] }, { OU: ['local interception CA; never share its key'] }],
    notBefore: new Date(start - DAY_MS),
    notAfter,
    keys,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey)
  return { certPem: cert.toString('pem') + '\n', keyPem: pemOf('PRIVATE KEY', pkcs8) }
}

/** Writes both files into a fresh folder and renames it into place, so nobody sees a half-made CA. */
function writeCa(dir: string, made: MadeCa): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 })
  if (existsSync(dir)) {
    writeFileSync(join(dir, CA_KEY_FILE), made.keyPem, { mode: 0o600, flag: 'wx' })
    writeFileSync(join(dir, CA_CERT_FILE), made.certPem, { mode: 0o644, flag: 'wx' })
    return
  }
  const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}-`))
  try {
    writeFileSync(join(staging, CA_KEY_FILE), made.keyPem, { mode: 0o600, flag: 'wx' })
    chmodSync(join(staging, CA_KEY_FILE), 0o600)
    writeFileSync(join(staging, CA_CERT_FILE), made.certPem, { mode: 0o644, flag: 'wx' })
    chmodSync(staging, 0o700)
    renameSync(staging, dir)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

async function load(certPath: string, keyPath: string, created: boolean): Promise<CertificateAuthority> {
  const certPem = readFileSync(certPath, 'utf8')
  let certificate: x509.X509Certificate
  let signingKey: CryptoKey
  try {
    certificate = new x509.X509Certificate(certPem)
    signingKey = await subtle.importKey('pkcs8', derOf(readFileSync(keyPath, 'utf8')), EC_KEY, false, ['sign'])
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    throw new Error(`the CA in ${dirname(certPath)} cannot be read (${why}): delete that folder to make a new CA`)
  }
  return Object.freeze({ certPath, keyPath, certPem, certificate, signingKey, created })
}
