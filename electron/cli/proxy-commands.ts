import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { simpleProxy } from '../apps/simple-proxy.ts'
import { latencyProxy } from '../apps/latency-proxy.ts'
import { sniffProxy } from '../apps/sniff-proxy.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { checkUrl, parseFlags, type FlagSpec } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'

export const PROXY_FLAGS: FlagSpec = { host: 'string', port: 'port', target: 'string', 'https-upstream': 'boolean' }

const APPS: Record<string, (o: ProxyOptions) => App> = { proxy: simpleProxy, latency: latencyProxy, sniff: sniffProxy }

/** `nanoscope proxy|latency|sniff`: mounts the seed app on a server and says where it listens. */
export async function runProxyCommand(command: string, argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, { ...PROXY_FLAGS, ...TLS_FLAGS })
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const tls = await tlsOptionsFromFlags(flags)
  const app = APPS[command]!({ target, httpsUpstream: flags['https-upstream'] === true, out: process.stdout, ...tls })
  const mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  process.stdout.write(`nanoscope ${command} listening on ${mounted.server.url}\n`)
  warnIfNotLoopback(host)
  return { stop: () => mounted.stop() }
}
