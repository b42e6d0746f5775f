/**
 * `nanoscope ca [--dir D] [--export FILE]`: makes the Nanoscope CA if there is none, then prints where its
 * certificate is and its fingerprints (SHA-256, and the SPKI hash Chromium's
 * `--ignore-certificate-errors-spki-list` takes). `--export FILE` also writes the certificate there as PEM.
 * One-shot: resolves when done.
 */
import { writeFileSync } from 'node:fs'
import { caInfo, defaultCaDir, loadOrCreateCa, infoOf } from '../tls/certificate-authority.ts'
import { chromiumTrustArgs } from '../tls/fingerprints.ts'
import { parseFlags, type FlagSpec } from './args.ts'

export const CA_FLAGS: FlagSpec = { dir: 'string', export: 'string' }

export async function runCaCommand(
  argv: readonly string[],
  out: { write(text: string): unknown } = process.stdout,
): Promise<void> {
  const flags = parseFlags(argv, CA_FLAGS)
  const dir = (flags.dir as string | undefined) ?? defaultCaDir()
  const ca = await loadOrCreateCa({ dir })
  const info = infoOf(ca)
  out.write(`${ca.created ? 'made a new Nanoscope CA' : 'Nanoscope CA'}: ${info.certPath}\n`)
  out.write(`SHA-256 fingerprint: ${info.sha256}\n`)
  out.write(`SPKI fingerprint: ${info.spki}\n`)
  out.write(`Chromium flag to trust it for one browser: ${chromiumTrustArgs(info.spki).join(' ')}\n`)
  const target = flags.export as string | undefined
  if (target !== undefined) {
    try {
      writeFileSync(target, info.pem)
    } catch (error) {
      throw new Error(`--export: cannot write ${target} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    out.write(`exported the CA certificate to ${target}\n`)
  }
}

export { caInfo }
