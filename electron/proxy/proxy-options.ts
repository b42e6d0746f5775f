import type { Clock } from '../core/clock.ts'
import type { Filter, HttpHandler } from '../core/http.ts'
import type { TlsInterception } from '../tls/intercept-connect.ts'

/** How a proxy app is set up, from the CLI flags or the Pipelines pane. */
export interface ProxyOptions {
  /** Reverse mode: every request goes under this base URL. Absent: forward mode (absolute-form requests). */
  readonly target?: string
  /** Seed app 1's switch: plain HTTP in, HTTPS out. */
  readonly httpsUpstream?: boolean
  /** Where the latency and sniff apps write their lines. */
  readonly out?: { write(text: string): unknown }
  readonly clock?: Clock
  /** Filters placed just after the proxy has decided where a request goes (capture, recording, chaos). */
  readonly inner?: readonly Filter[]
  /** Forward only to these hosts (patterns like `*.example.com`); others get a 403 from Nanoscope. */
  readonly allowHosts?: readonly string[]
  /** Upstream response-head timeout in milliseconds. */
  readonly timeoutMs?: number
  /** Decrypt HTTPS inside CONNECT with the Nanoscope CA (see `electron/tls`). Absent: CONNECT is tunnelled raw. */
  readonly tls?: TlsInterception
  /** Skip verifying upstream certificates (`--insecure-upstream`). Default false: a bad certificate is a 502. */
  readonly insecureUpstream?: boolean
  /** Extra PEM certificate authorities trusted for https upstreams (`--upstream-ca FILE`). */
  readonly upstreamCa?: readonly string[]
  /** Speak h2c (HTTP/2 with prior knowledge) to `http://` upstreams (`--h2c-upstream`). Default false: HTTP/1.1. */
  readonly h2cUpstream?: boolean
}

/** A runnable app: its filters (outermost first) and the handler they wrap, each able to explain itself. */
export interface App {
  readonly filters: readonly Filter[]
  readonly handler: HttpHandler & { readonly description?: string }
  /** Takes the composed pipeline, for requests the handler finds inside tunnels (decrypted HTTPS); mountApp calls it. */
  readonly reenter?: (pipeline: HttpHandler) => void
  /** Frees what the handler and the filters hold (pooled sockets, an open session). */
  readonly close: () => void | Promise<void>
  /** Opens what the filters need before the app serves; resolves with lines worth telling the user. */
  readonly start?: () => Promise<string[]>
  /** Told the app's own URL once it listens (the chaos control API answers requests addressed to it). */
  readonly listeningOn?: (url: string) => void
}
