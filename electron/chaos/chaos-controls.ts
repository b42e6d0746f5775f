import { describe, type Filter } from '../core/http.ts'
import { targetPath } from '../core/wire/request-target.ts'
import type { ProxyOptions } from '../proxy/proxy-options.ts'
import { chaosControlApi } from './control-api.ts'
import type { ChaosEngine } from './engine.ts'
import type { SelfAddress } from './self-address.ts'

/** What the chaos proxy needs besides the ordinary proxy options. */
export interface ChaosProxyOptions extends ProxyOptions {
  /** An engine the caller owns; absent, the chaos block makes its own (from `active`, `seed`). */
  readonly engine?: ChaosEngine
  readonly active?: boolean
  readonly seed?: number
  /** The proxy's own address, so it can answer the control API; leave it out to serve it only elsewhere. */
  readonly self?: SelfAddress
  /** Where the control API lives. Default '/chaos'. */
  readonly basePath?: string
}

/**
 * Answers the chaos control API for requests addressed to the proxy itself under `/chaos`; everything else,
 * including a proxied `http://example.com/chaos/status`, goes on to the upstream. A reverse proxy (`target`)
 * forwards every request, so there the controls are only on the control port.
 */
export function serveChaosControls(o: ChaosProxyOptions): Filter {
  const basePath = o.basePath ?? '/chaos'
  if (!o.engine) throw new Error('serveChaosControls needs the engine it controls')
  const api = chaosControlApi(o.engine, basePath)
  const self = o.target ? undefined : o.self
  return describe(
    self
      ? `answers the chaos control API at ${basePath} for requests addressed to this proxy`
      : 'passes every request on (chaos controls are on the control port)',
    // Not an async function: a request that is not for the controls goes on with no promise of its own (no extra hop).
    (next) =>
      function chaosControlsOrNext(req) {
        if (!self?.addresses(req)) return next(req)
        const path = targetPath(req.target)
        const forUs = path !== undefined && (path === basePath || path.startsWith(`${basePath}/`))
        return forUs ? api.handler(req) : next(req)
      },
  )
}
