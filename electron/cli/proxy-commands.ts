import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
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

/** The flags of `proxy`, `latency` and `sniff`: the two that print take `--out FILE` too. */
export const proxyCommandFlags = (command: string): FlagSpec =>
  ({ ...PROXY_FLAGS, ...TLS_FLAGS, ...(command === 'proxy' ? {} : { out: 'string' as const }) })

/** `nanoscope proxy|latency|sniff`: mounts the seed app on a server and says where it listens. */
export async function runProxyCommand(command: string, argv: readonly string[]): Promise<Running> {
  const flags = parseFlags(argv, proxyCommandFlags(command))
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const target = checkUrl('target', flags.target as string | undefined)
  const tls = await tlsOptionsFromFlags(flags)
  const file = typeof flags.out === 'string' ? await openOut(flags.out) : undefined
  const app = APPS[command]!({ target, httpsUpstream: flags['https-upstream'] === true, out: file ?? process.stdout, ...tls })
  let mounted
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
      if (file) { file.end(); await once(file, 'close') }
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
