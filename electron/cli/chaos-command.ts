import { chaosProxy } from '../apps/chaos-proxy.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { checkUrl, parseFlags, type FlagSpec } from './args.ts'
import { PROXY_FLAGS, printPipelineIfAsked } from './proxy-commands.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'
import { warnIfNotLoopback, type Running } from './running.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'

export const CHAOS_FLAGS: FlagSpec = {
  ...PROXY_FLAGS,
  ...TLS_FLAGS,
  'control-port': 'port',
  seed: 'int',
  active: 'boolean',
}

/**
 * `nanoscope chaos [--host H] [--port N] [--target URL] [--https-upstream] [--control-port N] [--seed N] [--active]`:
 * seed app 7, a proxy with a chaos block (off unless --active) whose control API answers on the proxy's own
 * address (forward mode) and on a control port (default: any free one). Prints where the proxy listens, then the API.
 */
export async function runChaosCommand(argv: readonly string[]): Promise<Running | void> {
  const flags = parseFlags(argv, CHAOS_FLAGS)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const seed = flags.seed as number | undefined
  const chaos = {
    active: flags.active === true,
    controlPort: (flags['control-port'] as number | undefined) ?? 0,
    ...(seed !== undefined ? { seed } : {}),
  }
  if (printPipelineIfAsked('chaos', flags, seedPipelines.chaos(chaos))) return
  const tls = await tlsOptionsFromFlags(flags)
  const mounted = await mountApp(
    chaosProxy({ ...tls, target, httpsUpstream: flags['https-upstream'] === true, out: process.stdout, ...chaos }),
    { host, port: (flags.port as number | undefined) ?? 8080 },
  )
  process.stdout.write(`nanoscope chaos listening on ${mounted.server.url}\n`)
  for (const line of mounted.said) process.stdout.write(`${line}\n`)
  warnIfNotLoopback(host)
  return { stop: () => mounted.stop() }
}
