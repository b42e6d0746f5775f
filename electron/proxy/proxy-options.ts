import type { Clock } from '../core/clock.ts'
import type { Filter, HttpHandler } from '../core/http.ts'

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
  /** Upstream response-head timeout in milliseconds. */
  readonly timeoutMs?: number
}

/** A runnable app: its filters (outermost first) and the handler they wrap, each able to explain itself. */
export interface App {
  readonly filters: readonly Filter[]
  readonly handler: HttpHandler & { readonly description?: string }
  /** Frees what the handler holds (the client's pooled sockets). */
  readonly close: () => void
}
