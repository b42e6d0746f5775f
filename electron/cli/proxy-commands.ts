import path from 'node:path'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { simpleProxy } from '../apps/simple-proxy.ts'
import { latencyProxy } from '../apps/latency-proxy.ts'
import { sniffProxy } from '../apps/sniff-proxy.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import { pipelineFileText } from '../pipeline/print-pipeline.ts'
import type { BlockSpec } from '../pipeline/block.ts'
import { parseHostList } from '../core/host-patterns.ts'
import { checkUrl, parseFlags, type FlagSpec, type Flags } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'

export const PROXY_FLAGS: FlagSpec = { host: 'string', port: 'port', target: 'string', 'https-upstream': 'boolean', 'print-pipeline': 'boolean' }

const APPS: Record<string, (o: ProxyOptions) => App> = { proxy: simpleProxy, latency: latencyProxy, sniff: sniffProxy }
const BLOCKS: Record<string, () => BlockSpec[]> = { proxy: seedPipelines.proxy, latency: seedPipelines.latency, sniff: seedPipelines.sniff }

/** `nanoscope proxy|latency|sniff`: mounts the seed app on a server and says where it listens. */
export async function runProxyCommand(command: string, argv: readonly string[]): Promise<Running | void> {
  const flags = parseFlags(argv, { ...PROXY_FLAGS, ...TLS_FLAGS })
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  if (printPipelineIfAsked(command, flags, BLOCKS[command]!())) return
  const tls = await tlsOptionsFromFlags(flags)
  const app = APPS[command]!({ target, httpsUpstream: flags['https-upstream'] === true, out: process.stdout, ...tls })
  const mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  process.stdout.write(`nanoscope ${command} listening on ${mounted.server.url}\n`)
  warnIfNotLoopback(host)
  return { stop: () => mounted.stop() }
}

/**
 * `--print-pipeline`: writes the pipeline file that `nanoscope run` runs to the same effect as this command
 * with these flags, and says so by returning true (the command then starts nothing).
 */
export function printPipelineIfAsked(command: string, flags: Flags, pipeline: readonly BlockSpec[]): boolean {
  if (flags['print-pipeline'] !== true) return false
  const list = (flag: string) => (typeof flags[flag] === 'string' ? parseHostList(flags[flag] as string) : undefined)
  process.stdout.write(pipelineFileText([{
    name: command,
    host: (flags.host as string | undefined) ?? '127.0.0.1',
    port: (flags.port as number | undefined) ?? 8080,
    target: flags.target as string | undefined,
    httpsUpstream: flags['https-upstream'] === true,
    noIntercept: flags['no-intercept'] === true,
    passthrough: list('passthrough'),
    insecureUpstream: flags['insecure-upstream'] === true,
    upstreamCa: list('upstream-ca')?.map((file) => path.resolve(file)),
    allowHosts: list('allow-hosts'),
    pipeline,
  }]))
  return true
}
