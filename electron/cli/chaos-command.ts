import { chaosProxy } from '../apps/chaos-proxy.ts'
import { chaosControlApi } from '../chaos/control-api.ts'
import { createChaosEngine } from '../chaos/engine.ts'
import { selfAddress } from '../chaos/self-address.ts'
import { startServer } from '../core/server/node-server.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { checkUrl, parseFlags, type FlagSpec } from './args.ts'
import { PROXY_FLAGS } from './proxy-commands.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'
import { warnIfNotLoopback, type Running } from './running.ts'

export const CHAOS_FLAGS: FlagSpec = { ...PROXY_FLAGS, ...TLS_FLAGS, 'control-port': 'port', seed: 'int', active: 'boolean' }

/**
 * `nanoscope chaos [--host H] [--port N] [--target URL] [--https-upstream] [--control-port N] [--seed N] [--active]`:
 * seed app 7, a proxy with a chaos engine (off unless --active) and its control API, on the proxy's own address
 * (forward mode) and on a control port (default: any free one). Prints where the proxy listens, then the API.
 */
export async function runChaosCommand(argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, CHAOS_FLAGS)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const seed = flags.seed as number | undefined
  const engine = createChaosEngine({ ...(seed !== undefined ? { seed } : {}), active: flags.active === true })
  const self = selfAddress()
  const tls = await tlsOptionsFromFlags(flags)
  const app = chaosProxy({ ...tls, target, httpsUpstream: flags['https-upstream'] === true, out: process.stdout, engine, self })
  const mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  self.listeningOn(mounted.server.url)
  const api = chaosControlApi(engine)
  let control
  try {
    control = await startServer(api.handler, { host, port: (flags['control-port'] as number | undefined) ?? 0 })
  } catch (error) {
    await mounted.stop()
    throw error
  }
  process.stdout.write(`nanoscope chaos listening on ${mounted.server.url}\n`)
  process.stdout.write(`chaos control API on ${control.url}${api.basePath} (docs: ${control.url}${api.basePath}/docs)\n`)
  warnIfNotLoopback(host)
  const server = control
  return { stop: async () => { await Promise.all([mounted.stop(), server.stop()]) } }
}
