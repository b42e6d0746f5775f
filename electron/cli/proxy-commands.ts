import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import { simpleProxy } from '../apps/simple-proxy.ts'
import { latencyProxy } from '../apps/latency-proxy.ts'
import { sniffProxy } from '../apps/sniff-proxy.ts'
import { mountApp } from '../proxy/mount-app.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import { pipelineFileText } from '../pipeline/print-pipeline.ts'
import type { BlockSpec } from '../pipeline/block.ts'
import { parseHostList } from '../core/matching/host-patterns.ts'
import { checkUrl, parseFlags, type FlagSpec, type Flags } from './args.ts'
import { warnIfNotLoopback, type Running } from './running.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from './tls-flags.ts'

export const PROXY_FLAGS: FlagSpec = {
  host: 'string',
  port: 'port',
  target: 'string',
  'https-upstream': 'boolean',
  'print-pipeline': 'boolean',
}

const APPS: Record<string, (o: ProxyOptions) => App> = { proxy: simpleProxy, latency: latencyProxy, sniff: sniffProxy }
const BLOCKS: Record<string, (out?: string) => BlockSpec[]> = {
  proxy: seedPipelines.proxy,
  latency: seedPipelines.latency,
  sniff: seedPipelines.sniff,
}

/** The flags of `proxy`, `latency` and `sniff`: the two that print take `--out FILE` too. */
export const proxyCommandFlags = (command: string): FlagSpec => ({
  ...PROXY_FLAGS,
  ...TLS_FLAGS,
  ...(command === 'proxy' ? {} : { out: 'string' as const }),
})

/** `nanoscope proxy|latency|sniff`: mounts the seed app on a server and says where it listens. */
export async function runProxyCommand(command: string, argv: readonly string[]): Promise<Running | void> {
  const flags = parseFlags(argv, proxyCommandFlags(command))
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const out = typeof flags.out === 'string' ? path.resolve(flags.out) : undefined
  if (printPipelineIfAsked(command, flags, BLOCKS[command]!(out))) return
  const tls = await tlsOptionsFromFlags(flags)
  const file = typeof flags.out === 'string' ? await openOut(flags.out) : undefined
  const app = APPS[command]!({
    target,
    httpsUpstream: flags['https-upstream'] === true,
    out: file ?? process.stdout,
    ...tls,
  })
  let mounted: Awaited<ReturnType<typeof mountApp>>
  try {
    mounted = await mountApp(app, { host, port: (flags.port as number | undefined) ?? 8080 })
  } catch (error) {
    file?.end()
    throw error
  }
  process.stdout.write(`nanoscope ${command} listening on ${mounted.server.url}\n`)
  if (file) process.stderr.write(`writing what it prints to ${flags.out as string}\n`)
  warnIfNotLoopback(host)
  const server = mounted
  return {
    async stop() {
      await server.stop()
      if (file) {
        file.end()
        await once(file, 'close')
      }
    },
  }
}

/** Opens `--out FILE` for writing (replacing it); a file that cannot be opened fails the command at once. */
async function openOut(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path)
  try {
    await once(stream, 'open')
  } catch (error) {
    throw new Error(`--out: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  return stream
}

/**
 * `--print-pipeline`: writes the pipeline file that `nanoscope run` runs to the same effect as this command
 * with these flags, and says so by returning true (the command then starts nothing).
 */
export function printPipelineIfAsked(command: string, flags: Flags, pipeline: readonly BlockSpec[]): boolean {
  if (flags['print-pipeline'] !== true) return false
  const list = (flag: string): string[] | undefined => {
    const v = flags[flag]
    return typeof v === 'string' ? parseHostList(v) : Array.isArray(v) ? v : undefined
  }
  process.stdout.write(
    pipelineFileText([
      {
        name: command,
        host: (flags.host as string | undefined) ?? '127.0.0.1',
        port: (flags.port as number | undefined) ?? 8080,
        target: flags.target as string | undefined,
        httpsUpstream: flags['https-upstream'] === true,
        noIntercept: flags['no-intercept'] === true,
        passthrough: list('passthrough'),
        insecureUpstream: flags['insecure-upstream'] === true,
        ...(flags['h2c-upstream'] === true ? { h2cUpstream: true } : {}),
        upstreamCa: list('upstream-ca')?.map((file) => path.resolve(file)),
        allowHosts: list('allow-hosts'),
        pipeline,
      },
    ]),
  )
  return true
}
