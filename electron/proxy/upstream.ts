import type { Filter, HttpHandler } from '../core/http.ts'
import type { Request, Response } from '../core/message.ts'
import { mixedClient } from '../core/client/mixed-client.ts'
import { connectTunnel } from '../core/client/connect-tunnel.ts'
import { proxyHost } from '../core/filters/proxy-host.ts'
import { reverseProxyTo } from '../core/filters/reverse-proxy.ts'
import { isWebsocketUpgrade } from '../core/websocket/handshake.ts'
import { websocketUpstream } from './websocket-upstream.ts'
import type { ProxyOptions } from './proxy-options.ts'
import { interceptConnect } from '../tls/intercept-connect.ts'

/** Where requests go: the reverse-proxy target if one is set, else the forward-proxy rule. */
export function routeUpstream(options: ProxyOptions): Filter {
  return options.target ? reverseProxyTo(options.target) : proxyHost({ https: options.httpsUpstream ?? false })
}

/**
 * The proxy's way upstream, a plain object: its innermost handler, how decrypted HTTPS gets back into the whole
 * pipeline, and what to free.
 */
export interface Upstream {
  /**
   * CONNECT requests become raw TCP tunnels (or, with `tls`, are decrypted); websocket handshakes go through
   * `websocketUpstream` (a 101 becomes a tunnel tagged `websocket`); everything else goes to the pooled client.
   */
  readonly handler: HttpHandler & { readonly description: string }
  /**
   * Sends what the handler decrypts inside CONNECT through `pipeline` (the whole composed proxy) from now on;
   * until it is called, decrypted requests go straight to the client. `mountApp` and live listeners call it once
   * the pipeline exists, which is after this handler (the pipeline wraps it).
   */
  readonly reenter: (pipeline: HttpHandler) => void
  /** Frees the client's pooled sockets. */
  readonly close: () => void
}

export function upstream(options: ProxyOptions = {}): Upstream {
  const client = mixedClient({
    timeoutMs: options.timeoutMs,
    ...(options.h2cUpstream ? { h2c: true } : {}),
    ...(options.insecureUpstream ? { rejectUnauthorized: false } : {}),
    ...(options.upstreamCa?.length ? { ca: [...options.upstreamCa] } : {}),
  })
  const reentry: { pipeline: HttpHandler } = { pipeline: client }
  const tunnel = options.tls
    ? interceptConnect({ tls: options.tls, decrypted: (req) => reentry.pipeline(req), timeoutMs: options.timeoutMs })
    : connectTunnel({ timeoutMs: options.timeoutMs })
  const websocket = websocketUpstream(client)
  const sendUpstream = (req: Request): Promise<Response> =>
    req.method === 'CONNECT' ? tunnel(req) : isWebsocketUpgrade(req) ? websocket(req) : client(req)
  return {
    handler: describeHandler(options.tls ? DECRYPTING : TUNNELLING, sendUpstream),
    reenter: (pipeline) => {
      reentry.pipeline = pipeline
    },
    close: () => client.close(),
  }
}

const SENDS = 'sends the request upstream (keep-alive pool, no redirects followed, bytes untouched)'
const DECRYPTING = `${SENDS}; decrypts HTTPS inside CONNECT with the Nanoscope CA and sends it through this pipeline again, tunnelling other CONNECT streams raw; tunnels websockets after their 101`
const TUNNELLING = `${SENDS}; tunnels CONNECT as raw TCP and websockets after their 101`

function describeHandler(description: string, handler: HttpHandler): HttpHandler & { readonly description: string } {
  return Object.assign(handler, { description })
}
