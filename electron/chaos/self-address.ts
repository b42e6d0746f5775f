/**
 * Telling requests addressed to Nanoscope itself from proxied ones. A forward proxy receives proxied requests
 * in absolute-form (`GET http://example.com/chaos/status`, RFC 9112 §3.2.2); an origin-form request whose
 * Host names the proxy's own listening address is for the proxy itself.
 */
import { networkInterfaces } from 'node:os'
import { header, type Request } from '../core/message.ts'
import { parseTarget } from '../core/wire/request-target.ts'

export interface SelfAddress {
  /** Records where the proxy listens (`http://127.0.0.1:8080`), once it knows its port. */
  listeningOn(url: string): void
  /** True for an origin-form request whose Host is one of this proxy's own addresses. */
  addresses(req: Request): boolean
}

// IPv6 names come bracketed from both sides (a URL's hostname, a Host header); 127.x is loopback by its prefix.
const LOOPBACK = new Set(['localhost', '[::1]'])
const WILDCARD = new Set(['0.0.0.0', '[::]'])

export function selfAddress(): SelfAddress {
  let host: string | undefined
  let port: string | undefined
  return {
    listeningOn(url) {
      const u = new URL(url)
      host = u.hostname.toLowerCase()
      port = u.port || '80'
    },
    addresses(req) {
      if (host === undefined || parseTarget(req.target)?.form !== 'origin') return false
      const value = header(req, 'Host')?.trim().toLowerCase()
      if (!value) return false
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value)
      if (!m || (m[2] ?? '80') !== port) return false
      const name = m[1]!
      if (name === host) return true
      const loopbackHost = LOOPBACK.has(host) || host.startsWith('127.')
      if ((loopbackHost || WILDCARD.has(host)) && (LOOPBACK.has(name) || name.startsWith('127.'))) return true
      // Stryker disable next-line Regex: the pattern above lets brackets only at a name's two ends, where either anchor finds them
      return WILDCARD.has(host) && localAddresses().has(name.replace(/^\[|\]$/g, ''))
    },
  }
}

function localAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.toLowerCase())))
}
