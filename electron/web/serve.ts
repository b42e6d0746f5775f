/**
 * Browser mode: serves the built renderer and carries the UI contract over a WebSocket on `/api/ws`.
 *
 * Security (see SECURITY.md): a random per-run token is required on the WebSocket; the Origin, when sent,
 * must be this server's own; the Host header must name this server (DNS rebinding); static files are
 * read only from the built renderer folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Host } from '../host/host.ts'
import type { EventName, Events, WireMessage } from '../../shared/contract.ts'
import { eventToWire } from '../../shared/wire-events.ts'
import { serveBuiltFile } from './built-files.ts'
import { isOurHost, isOurOrigin } from './origin-check.ts'

export interface WebUiOptions {
  host?: string
  port?: number
  staticDir: string
  token?: string
}
export interface RunningWebUi {
  readonly url: string
  readonly token: string
  readonly port: number
  stop(): Promise<void>
}

/** Beyond this many buffered bytes a browser is "backed up" and catches up later instead of slowing us. */
// Stryker disable next-line ArithmeticOperator: equivalent for what a browser receives; a batch held back while its socket is behind is sent, in order and once, when it drains (Broadcaster's catch-up), and it would have queued behind the same bytes anyway: the figure bounds only our memory per browser
const BACKED_UP_BYTES = 16 * 1024 * 1024

export async function startWebUi(host: Host, options: WebUiOptions): Promise<RunningWebUi> {
  const token = options.token ?? randomBytes(24).toString('hex')
  const bindHost = options.host ?? '127.0.0.1'
  let port = 0
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 })
  const server = createServer((req, res) => handleHttp(req, res))

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    if (!isOurHost(req.headers.host, port)) return deny(res, 421, 'This server answers only to its own address.')
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Only GET and HEAD are served here.')
    serveBuiltFile(options.staticDir, req, res)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Stryker disable next-line ArrowFunction: equivalent; a socket emits 'error' while it is being destroyed, so destroying it again is a no-op (the listener is what matters: without one the error would be thrown)
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://x')
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/api/ws') return refuse(404, 'Not Found')
    if (!isOurHost(req.headers.host, port)) return refuse(421, 'Misdirected Request')
    if (!isOurOrigin(req.headers.origin, port)) return refuse(403, 'Forbidden')
    if (url.searchParams.get('token') !== token) return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws))
  })

  /**
   * Each exchange batch's message as sent, by the batch: the broadcaster hands every window that is not behind the
   * same batch, so it is turned into rows and JSON once however many windows are open.
   */
  const batchMessages = new WeakMap<object, string>()
  function eventMessage<K extends EventName>(name: K, payload: Events[K]): string {
    const batch = name === 'exchanges' ? (payload as Events['exchanges']).exchanges : undefined
    const made = batch && batchMessages.get(batch)
    if (made !== undefined) return made
    const text = JSON.stringify({ type: 'event', name, payload: eventToWire(name, payload) } satisfies WireMessage)
    if (batch) batchMessages.set(batch, text)
    return text
  }

  function connect(ws: WebSocket): void {
    const sendText = (text: string) => {
      // Stryker disable next-line ConditionalExpression: equivalent; ws drops a send on a closing or closed socket without a word (no callback is passed), and a closed socket's window is disconnected on 'close'
      if (ws.readyState === ws.OPEN) ws.send(text)
    }
    const send = (message: WireMessage) => sendText(JSON.stringify(message))
    const connection = host.connectWindow(
      (name, payload) => sendText(eventMessage(name, payload)),
      () => ws.bufferedAmount > BACKED_UP_BYTES,
    )
    ws.on('message', async (data) => {
      let message: { type?: unknown; id?: unknown; name?: unknown; args?: unknown } | null
      try {
        message = JSON.parse(String(data))
      } catch {
        return ws.close(1003, 'messages must be JSON')
      }
      // `null`, numbers and arrays are JSON too; only a command object is acted on.
      if (
        // Stryker disable next-line ConditionalExpression: equivalent; a JSON string, number or boolean has no `type`, so the next test returns too
        typeof message !== 'object' ||
        message === null ||
        message.type !== 'command' ||
        typeof message.id !== 'number'
      )
        return
      const id = message.id
      try {
        const value = await connection.dispatch(message.name, message.args ?? {})
        send({ type: 'result', id, ok: true, value })
      } catch (error) {
        send({ type: 'result', id, ok: false, error: (error as Error).message })
      }
    })
    ws.on('close', () => connection.close())
    ws.on('error', () => connection.close())
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as { port: number }).port
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    async stop() {
      for (const client of wss.clients) client.terminate()
      // Stryker disable next-line CallExpression: equivalent; with noServer the WebSocketServer owns no socket (its clients are terminated above and the HTTP server is closed below), so close() only marks it closed, and no upgrade can reach it after stop()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function deny(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text + '\n')
}
