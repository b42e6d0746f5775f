import type { Filter, HttpHandler } from '../core/http.ts'
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
 * The proxy's innermost handler: CONNECT requests become raw TCP tunnels; websocket handshakes go through
 * `websocketUpstream` (a 101 becomes a tunnel tagged `websocket`); everything else goes to the pooled Node
 * client. Returns the handler with `close` to free pooled sockets.
 */
export function upstream(
  options: ProxyOptions = {},
): HttpHandler & { description: string; close(): void; reenter(pipeline: HttpHandler): void } {
  const client = mixedClient({
    timeoutMs: options.timeoutMs,
    ...(options.h2cUpstream ? { h2c: true } : {}),
    ...(options.insecureUpstream ? { rejectUnauthorized: false } : {}),
    ...(options.upstreamCa?.length ? { ca: [...options.upstreamCa] } : {}),
  })
  // Decrypted HTTPS re-enters the whole pipeline (mountApp binds it); until then it goes straight to the client.
  let whole: HttpHandler = client
  const tunnel = options.tls
    ? interceptConnect({ tls: options.tls, decrypted: (req) => whole(req), timeoutMs: options.timeoutMs })
    : connectTunnel({ timeoutMs: options.timeoutMs })
  const websocket = websocketUpstream(client)
  const handler = function sendUpstream(req: Parameters<HttpHandler>[0]): ReturnType<HttpHandler> {
    return req.method === 'CONNECT' ? tunnel(req) : isWebsocketUpgrade(req) ? websocket(req) : client(req)
  }
  return Object.assign(handler, {
    description: options.tls
      ? 'sends the request upstream (keep-alive pool, no redirects followed, bytes untouched); decrypts HTTPS inside CONNECT with the Nanoscope CA and sends it through this pipeline again, tunnelling other CONNECT streams raw; tunnels websockets after their 101'
      : 'sends the request upstream (keep-alive pool, no redirects followed, bytes untouched); tunnels CONNECT as raw TCP and websockets after their 101',
    close: () => client.close(),
    reenter: (pipeline: HttpHandler) => {
      whole = pipeline
    },
  })
}
