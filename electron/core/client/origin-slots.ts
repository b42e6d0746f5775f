/**
 * A cap on the HTTP/1.1 exchanges one multiplexed client has in flight to one origin, and so on the upstream
 * connections it makes the proxy open there: a browser speaking h2 to the proxy sends a page's 80 asset requests at
 * once on one connection, and each would otherwise take an upstream connection (and a TLS handshake) of its own.
 * Past the cap a request waits, first come first served, for one of the client's exchanges to that origin to finish
 * (its response body read or dropped), but no longer than `MAX_SLOT_WAIT_MS`.
 *
 * Beware: the cap turns parallel exchanges into a chain. Each waiting request costs a whole exchange through the
 * proxy (upstream and back, and the proxy's turn on a busy loop), so a page's 80 assets behind a cap of six waited
 * 13 exchanges deep: a page loaded through the proxy 0.3 s slower than direct whenever the proxy's exchanges took
 * 20–30 ms instead of 2–3 (measured with Chromium, `bench/page-load-bench.ts`). The cap is therefore well above six:
 * at 32 that page waits two exchanges deep at most, and a cold load opens 32 upstream connections rather than 80,
 * which stay warm between loads in the pool (`wire-pool.ts`).
 *
 * Keyed by the client (an object per connection, the request's `peer`) and the origin, so two clients never wait on
 * each other, and a client's own HTTP/1.1 connections, one exchange at a time each, are never capped.
 */
import type { Body, Response } from '../message.ts'

/**
 * Exchanges a multiplexed client may have in flight to one origin. Not a browser's six per origin: those six are
 * its own, to an origin answering in a millisecond, while the proxy's exchanges queue on its own loop too (above).
 */
export const MAX_MULTIPLEXED_PER_ORIGIN = 32

/**
 * How long a request waits for a slot before it goes anyway, on a connection of its own: a cap's worth of long-lived
 * responses (event streams, long polls) would otherwise hold the client's every other request to that origin for as
 * long as they last, which HTTP/2 spared it. A page's assets free their slots in far less.
 */
export const MAX_SLOT_WAIT_MS = 1000

interface Line {
  busy: number
  readonly waiting: Array<() => void>
}

export class OriginSlots {
  private readonly byClient = new WeakMap<object, Map<string, Line>>()

  constructor(
    readonly max = MAX_MULTIPLEXED_PER_ORIGIN,
    readonly maxWaitMs = MAX_SLOT_WAIT_MS,
  ) {}

  /**
   * Runs `send` once `client` has fewer than `max` exchanges in flight to `origin`; the slot is held until its response's
   * body is over. A request whose `signal` aborts while it waits leaves the queue at once (`send` then answers it).
   */
  run(client: object, origin: string, send: () => Promise<Response>, signal?: AbortSignal): Promise<Response> {
    let lines = this.byClient.get(client)
    if (!lines) this.byClient.set(client, (lines = new Map()))
    let line = lines.get(origin)
    if (!line) lines.set(origin, (line = { busy: 0, waiting: [] }))
    const held = line
    const go = (): Promise<Response> =>
      send().then(
        (res) => {
          whenOver(res.body, () => this.free(lines, origin, held))
          return res
        },
        (error: unknown) => {
          this.free(lines, origin, held)
          throw error
        },
      )
    if (held.busy < this.max) {
      held.busy += 1
      return go()
    }
    return new Promise((resolve) => {
      const start = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', leave)
        held.busy += 1
        resolve(go())
      }
      // Waited long enough (past the cap, on a connection of its own), or the client went away.
      const leave = (): void => {
        const at = held.waiting.indexOf(start)
        if (at >= 0) held.waiting.splice(at, 1)
        start()
      }
      const timer = setTimeout(leave, this.maxWaitMs)
      signal?.addEventListener('abort', leave, { once: true })
      held.waiting.push(start)
    })
  }

  /** How many exchanges `client` has in flight to `origin`, and how many wait. */
  load(client: object, origin: string): { busy: number; waiting: number } {
    const line = this.byClient.get(client)?.get(origin)
    return { busy: line?.busy ?? 0, waiting: line?.waiting.length ?? 0 }
  }

  /** One exchange is over: its slot passes to the next waiting, if the line is under the cap again. */
  private free(lines: Map<string, Line>, origin: string, line: Line): void {
    line.busy -= 1
    if (line.busy < this.max) line.waiting.shift()?.()
    if (line.busy === 0 && lines.get(origin) === line) lines.delete(origin)
  }
}

/** Calls `done` once the body is over: at once for bytes, else when its stream closes (ended, failed or destroyed). */
function whenOver(body: Body, done: () => void): void {
  if (body.kind === 'bytes' || body.stream.closed) done()
  else body.stream.once('close', done)
}
