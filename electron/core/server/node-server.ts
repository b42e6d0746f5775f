/**
 * The server adapter: mounts an HttpHandler on node:http.
 *
 * Requests arrive wire-faithful (target exactly as sent, raw headers in order and case, body streamed) with a
 * `signal` that aborts when the client leaves early. CONNECT and Upgrade requests carry the client's raw
 * socket; a response with a `tunnel` takes it over after its head is written. Nothing a client or handler
 * does can crash the process: a throw becomes a generated 500, garbage on the socket a 400.
 */
import http from 'node:http'
import type net from 'node:net'
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../http.ts'
import { emptyBody, streamBody, type Request } from '../message.ts'
import { contentLength, headerPairs } from '../wire/raw-headers.ts'
import { clientErrorAnswer, discardBody, writeResponse } from './write-response.ts'
import { respond, takeOver } from './take-over.ts'

export interface ServerOptions {
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0: any free port (see `RunningServer.port`). */
  port?: number
  /**
   * How long a client may take to send the request head (Node's `headersTimeout`); past it the client gets a
   * 408 and is closed, so a slowloris cannot hold a socket. Default `DEFAULT_HEADERS_TIMEOUT_MS`.
   */
  headersTimeoutMs?: number
  /** Node's `requestTimeout`: how long a client may take to send the whole request. Beware long uploads. */
  requestTimeoutMs?: number
  /**
   * How long a kept-alive connection may sit idle between requests before it is closed (Node's `keepAliveTimeout`).
   * Default `KEEP_ALIVE_TIMEOUT_MS`.
   */
  keepAliveTimeoutMs?: number
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  /** `http://host:port` */
  readonly url: string
  /** Stops accepting, closes idle connections now and busy ones after a short grace. */
  stop(): Promise<void>
}

/** How long `stop()` lets in-flight exchanges and tunnels finish before cutting them. */
export const STOP_GRACE_MS = 1000

/** The default time a client has to send a whole request head. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000

/** How long a kept-alive connection may sit idle between requests by default (node:http's default). */
export const KEEP_ALIVE_TIMEOUT_MS = 5000

export async function startServer(handler: HttpHandler, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const requestTimeout = options.requestTimeoutMs
  const headersTimeout =
    options.headersTimeoutMs ??
    (requestTimeout ? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout) : DEFAULT_HEADERS_TIMEOUT_MS)
  const server = http.createServer({
    headersTimeout,
    ...(requestTimeout !== undefined ? { requestTimeout } : {}),
    // Node only checks those timeouts every `connectionsCheckingInterval` (30 s by default), so a short timeout
    // would otherwise be enforced late.
    connectionsCheckingInterval: checkingInterval(headersTimeout, requestTimeout),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
  })
  const tunnels = new Set<Duplex>()
  const takeOver = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    tunnels.add(socket)
    socket.once('close', () => tunnels.delete(socket))
    takeOverSocket(handler, req, socket, head)
  }
  server.on('request', (req, res) => {
    exchange(handler, req, res).catch(() => res.destroy())
  })
  server.on('connect', takeOver)
  server.on('upgrade', takeOver)
  server.on('clientError', answerClientError)

  return listening(server, host, options.port ?? 0, () => stop(server, tunnels))
}

/** Listens, then describes the running server; `stop` runs once however often it is called. */
export async function listening(
  server: net.Server,
  host: string,
  port: number,
  stop: () => Promise<void>,
): Promise<RunningServer> {
  await listen(server, host, port)
  server.on('error', () => {}) // after listening, nothing on the server itself is worth dying for
  const address = server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  let stopping: Promise<void> | undefined
  return Object.freeze({
    host,
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    stop: () => (stopping ??= stop()),
  })
}

/**
 * How often Node checks the timeouts: often enough to enforce the shorter one to within a quarter of it, never more
 * often than every 50 ms nor less often than every 30 s. A timeout of 0 (none) does not count.
 */
export function checkingInterval(headersTimeout: number, requestTimeout: number | undefined): number {
  const shortest = Math.min(...[headersTimeout, requestTimeout ?? 0].filter((t) => t > 0), 120_000)
  return Math.max(50, Math.min(30_000, Math.floor(shortest / 4)))
}

/** Listens, turning EADDRINUSE and other failures into errors that name the host and port. */
function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : `could not listen on ${host}:${port}: ${error.message}`
      reject(Object.assign(new Error(message, { cause: error }), { code: error.code }))
    }
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      resolve()
    })
  })
}

function stop(server: http.Server, tunnels: Set<Duplex>): Promise<void> {
  return new Promise((resolve) => {
    const grace = setTimeout(() => {
      server.closeAllConnections()
      for (const socket of tunnels) socket.destroy()
    }, STOP_GRACE_MS)
    server.close(() => {
      clearTimeout(grace)
      resolve()
    })
    // Stryker disable next-line CallExpression: server.close() closes idle connections itself since Node 19; kept to say so
    server.closeIdleConnections()
  })
}

async function exchange(handler: HttpHandler, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const signal = connectionSignal(req.socket)
  req.on('error', ignore) // whoever reads the body sees the error; this only keeps an unread one quiet
  const response = await respond(handler, incomingRequest(req, signal))
  if (signal.aborted || res.destroyed) {
    discardBody(response.body)
    return
  }
  writeResponse(req.method ?? 'GET', res, response)
}

/**
 * The signal a request carries: it aborts when the client's connection closes. One per connection rather than
 * per exchange (an AbortController is a measurable part of a proxied exchange's cost): HTTP/1.1 answers one
 * request at a time per connection, and a response Node is still writing ends only with its connection.
 */
function connectionSignal(socket: Duplex): AbortSignal {
  const holder = socket as Duplex & { [CONNECTION_SIGNAL]?: AbortSignal }
  let signal = holder[CONNECTION_SIGNAL]
  if (!signal) {
    const aborter = new AbortController()
    signal = holder[CONNECTION_SIGNAL] = aborter.signal
    socket.once('close', () => aborter.abort())
  }
  return signal
}

const CONNECTION_SIGNAL = Symbol('nanoscope.connectionSignal')

function ignore(): void {}

/** Node hands over CONNECT and Upgrade requests with the socket; the request carries it on. */
function takeOverSocket(handler: HttpHandler, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const aborter = new AbortController()
  socket.once('close', () => aborter.abort())
  takeOver(handler, incomingRequest(req, aborter.signal, { socket, head }), socket, head)
}

function incomingRequest(req: http.IncomingMessage, signal: AbortSignal, connection?: Request['connection']): Request {
  const headers = headerPairs(req.rawHeaders)
  const length = contentLength(headers)
  const hasBody = !connection && (req.headers['transfer-encoding'] !== undefined || (length ?? 0) > 0)
  return Object.freeze({
    // Stryker disable next-line StringLiteral: node:http sets the method and url of every request it parsed
    method: req.method ?? 'GET',
    // Stryker disable next-line StringLiteral: node:http sets the method and url of every request it parsed
    target: req.url ?? '',
    version: req.httpVersion,
    headers,
    body: hasBody ? streamBody(req, req.headers['transfer-encoding'] !== undefined ? undefined : length) : emptyBody,
    signal,
    ...(connection ? { connection } : {}),
    // Stryker disable next-line StringLiteral: node:http emits a request while reading from its open socket, whose address is known then
    peer: { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
  })
}

/**
 * Node's 'clientError': the bytes were not HTTP, or a request timed out. Answer briefly and close (RFC 9112 §2.2).
 * Bad bytes pipelined behind a request that has fully arrived wait for its answer, as with nginx: that answer goes
 * out, then the 400. Beware: only the one response Node is writing is waited for; requests pipelined behind it are
 * not answered.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // node:http reports each later chunk of bad bytes too, and one 400 is owed already. Without this, the later report's
  // close handler destroys the socket just after the first one ended it with the 400, racing that answer's flush
  // (which, small, is written at once on loopback: no test sees the difference).
  // Stryker disable next-line ConditionalExpression,BlockStatement: see above
  if (owing.has(socket)) return
  const inFlight = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  // Only a request that has fully arrived is answered first: one still arriving (a stalled body) gets its 408 now.
  if (inFlight && !inFlight.writableFinished && inFlight.req.complete) {
    owing.add(socket)
    inFlight.once('close', () => {
      if (socket.writable) socket.end(clientErrorAnswer(error.code))
      else socket.destroy()
    })
    return
  }
  socket.end(clientErrorAnswer(error.code))
}

/** Sockets whose 400 waits for the answer in progress. */
const owing = new WeakSet<Duplex>()
