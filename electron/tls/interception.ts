/**
 * The one place that turns "intercept HTTPS" into a `TlsInterception`: loads (or makes) the CA and keeps one
 * leaf minter per CA folder for the whole process, so every listener shares the certificate cache.
 */
import { defaultCaDir, loadOrCreateCa } from './certificate-authority.ts'
import { leafMinter, type LeafMinter } from './leaf-minter.ts'
import type { TlsInterception } from './intercept-connect.ts'

export interface InterceptionSettings {
  /** Where the CA lives; default `<data dir>/ca`. */
  readonly caDir?: string
  /** Hosts left alone (`example.com`, `*.example.com`). */
  readonly passthrough?: readonly string[]
}

const minters = new Map<string, Promise<LeafMinter>>()

export async function tlsInterception(settings: InterceptionSettings = {}): Promise<TlsInterception> {
  const dir = settings.caDir ?? defaultCaDir()
  let minter = minters.get(dir)
  if (!minter) {
    minter = loadOrCreateCa({ dir }).then((ca) => leafMinter(ca))
    minters.set(dir, minter)
    minter.catch(() => minters.delete(dir))
  }
  return { certificates: await minter, passthrough: [...(settings.passthrough ?? [])] }
}
