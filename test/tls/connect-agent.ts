/**
 * An https.Agent that reaches every origin through an HTTP proxy's CONNECT tunnel, then does TLS inside it
 * (what browsers and `HTTPS_PROXY` clients do). Keep-alive pooling works as for any agent. Test and bench
 * support, not product code.
 */
import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'

export interface ConnectAgentOptions extends https.AgentOptions {
  /** `http://127.0.0.1:PORT` */
  readonly proxy: string
  /** Bound on the CONNECT exchange; default 10000 ms. */
  readonly connectTimeoutMs?: number
}

type Callback = (error: Error | null, socket: Duplex) => void

export class ConnectAgent extends https.Agent {
  readonly #proxy: URL
  readonly #timeoutMs: number

  constructor(options: ConnectAgentOptions) {
    super(options)
    this.#proxy = new URL(options.proxy)
    this.#timeoutMs = options.connectTimeoutMs ?? 10_000
  }

  // Node calls createConnection(options, callback) and accepts the socket through the callback later.
  override createConnection(options: http.RequestOptions & tls.ConnectionOptions, callback?: Callback): undefined {
    const host = options.host ?? 'localhost'
    const port = Number(options.port ?? 443)
    const reply = callback ?? ((): void => {})
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`
    const req = http.request({
      host: this.#proxy.hostname,
      port: Number(this.#proxy.port),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority },
      timeout: this.#timeoutMs,
    })
    let done = false
    const fail = (error: Error): void => {
      if (!done) {
        done = true
        reply(error, undefined as unknown as Duplex)
      }
    }
    req.once('timeout', () => {
      req.destroy(new Error(`CONNECT ${authority} timed out`))
    })
    req.once('error', fail)
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy()
        fail(
          Object.assign(new Error(`CONNECT ${authority} answered ${res.statusCode}`), { statusCode: res.statusCode }),
        )
        return
      }
      if (head.length > 0) socket.unshift(head)
      const secure = tls.connect({
        ...options,
        socket,
        servername: options.servername ?? (isIpLike(host) ? undefined : host),
      } as tls.ConnectionOptions)
      secure.once('secureConnect', () => {
        if (!done) {
          done = true
          reply(null, secure)
        }
      })
      secure.once('error', (error) => {
        socket.destroy()
        fail(error)
      })
    })
    req.end()
    return undefined
  }
}

/** Opens a CONNECT tunnel to `host:port` through the proxy and does TLS inside it (bounded by `timeoutMs`). */
export function connectThrough(
  proxy: string,
  host: string,
  port: number,
  options: tls.ConnectionOptions = {},
  timeoutMs = 10_000,
): Promise<tls.TLSSocket> {
  const agent = new ConnectAgent({ proxy, connectTimeoutMs: timeoutMs })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`TLS through the proxy to ${host}:${port} took over ${timeoutMs} ms`)),
      timeoutMs,
    )
    agent.createConnection({ ...options, host, port }, (error, socket) => {
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(socket as tls.TLSSocket)
    })
  })
}

function isIpLike(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}

/** GET through the agent, resolving with status, headers and body text; bounded by `timeoutMs`. */
export function getVia(
  agent: https.Agent,
  url: string,
  timeoutMs = 10_000,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, timeout: timeoutMs }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}
