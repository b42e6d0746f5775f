import { statSync } from 'node:fs'
import path from 'node:path'
import { staticServer } from '../apps/static-server.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { parseFlags, UsageError, type FlagSpec } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'

export const STATIC_FLAGS: FlagSpec = { dir: 'string', host: 'string', port: 'port', dotfiles: 'string' }

/** Seed app 5's default port (http4k's servers all default to 8000). */
export const STATIC_DEFAULT_PORT = 8000

/** `nanoscope static [--dir .] [--host H] [--port N] [--dotfiles deny|allow]`: serves a folder and says where it listens. */
export async function runStaticCommand(argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, STATIC_FLAGS)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const dir = path.resolve((flags.dir as string | undefined) ?? '.')
  if (!isDirectory(dir)) throw new UsageError(`--dir must be a folder, got "${flags.dir as string}"`)
  const dotfiles = (flags.dotfiles as string | undefined) ?? 'deny'
  if (dotfiles !== 'deny' && dotfiles !== 'allow')
    throw new UsageError(`--dotfiles must be deny or allow, got "${dotfiles}"`)
  const mounted = await mountApp(staticServer(dir, { dotfiles }), {
    host,
    port: (flags.port as number | undefined) ?? STATIC_DEFAULT_PORT,
  })
  process.stdout.write(`nanoscope static listening on ${mounted.server.url}\n`)
  process.stdout.write(
    `serving ${dir}${dotfiles === 'deny' ? ' (dotfiles answer 404; --dotfiles allow serves them)' : ', dotfiles included'}\n`,
  )
  warnIfNotLoopback(host)
  return { stop: () => mounted.stop() }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}
