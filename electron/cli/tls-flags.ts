/**
 * The HTTPS flags of the proxy commands, ready to merge into their flag spec, and the function that turns
 * them into ProxyOptions. Interception is on by default: the point of an inspector is to see the traffic,
 * and the CA is made on first use (as mitmproxy and HTTP Toolkit do); `--no-intercept` tunnels CONNECT raw.
 */
import { readFileSync } from 'node:fs'
import type { ProxyOptions } from '../proxy/proxy-options.ts'
import { parseHostList } from '../core/matching/host-patterns.ts'
import { tlsInterception } from '../tls/interception.ts'
import { UsageError, type FlagSpec, type Flags } from './args.ts'

export const TLS_FLAGS: FlagSpec = {
  'no-intercept': 'boolean',
  passthrough: 'string',
  'insecure-upstream': 'boolean',
  'upstream-ca': 'string',
  'ca-dir': 'string',
  'allow-hosts': 'string',
  'h2c-upstream': 'boolean',
}

export const TLS_USAGE = `HTTPS options:
  --no-intercept        tunnel CONNECT untouched (default: decrypt HTTPS with the Nanoscope CA)
  --passthrough LIST    hosts whose TLS is left alone, comma-separated: example.com,*.example.org (default none)
  --insecure-upstream   do not verify upstream certificates (default: verified; a bad one is a 502)
  --upstream-ca FILES   extra CA certificates (PEM) to trust for upstreams, comma-separated (default none)
  --ca-dir DIR          where the Nanoscope CA lives (default <data dir>/ca; see "nanoscope ca")
  --allow-hosts LIST    forward only to these hosts (comma-separated patterns); others get a 403 (default: all)
  --h2c-upstream        speak h2c (HTTP/2, prior knowledge) to http:// upstreams (default HTTP/1.1; https:// ones are
                        asked by ALPN and get h2 when they pick it)
`

export type TlsProxyOptions = Pick<
  ProxyOptions,
  'tls' | 'insecureUpstream' | 'upstreamCa' | 'allowHosts' | 'h2cUpstream'
>

/** Reads the HTTPS flags; loads or makes the CA unless `--no-intercept`. Unreadable CA files are usage errors. */
export async function tlsOptionsFromFlags(flags: Flags): Promise<TlsProxyOptions> {
  const upstreamCa = typeof flags['upstream-ca'] === 'string' ? readCaFiles(flags['upstream-ca']) : undefined
  const passthrough = typeof flags.passthrough === 'string' ? parseHostList(flags.passthrough) : []
  const caDir = typeof flags['ca-dir'] === 'string' ? flags['ca-dir'] : undefined
  return {
    ...(flags['no-intercept'] === true
      ? {}
      : { tls: await tlsInterception({ passthrough, ...(caDir ? { caDir } : {}) }) }),
    ...(flags['insecure-upstream'] === true ? { insecureUpstream: true } : {}),
    ...(upstreamCa ? { upstreamCa } : {}),
    ...(typeof flags['allow-hosts'] === 'string' ? { allowHosts: parseHostList(flags['allow-hosts']) } : {}),
    ...(flags['h2c-upstream'] === true ? { h2cUpstream: true } : {}),
  }
}

/** Reads `--upstream-ca FILE[,FILE]`; an unreadable or non-PEM file is a usage error. */
export function readCaFiles(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((path) => {
      let pem: string
      try {
        pem = readFileSync(path, 'utf8')
      } catch (error) {
        throw new UsageError(`--upstream-ca: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----'))
        throw new UsageError(`--upstream-ca: ${path} holds no PEM certificate`)
      return pem
    })
}
