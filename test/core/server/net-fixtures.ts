/**
 * Real sockets for adapter tests: raw TCP peers, a plain node:http upstream, and bounded waits. Everything
 * listens on 127.0.0.1 port 0, and every close() destroys what is still open.
 */
import http from 'node:http'
import net from 'node:net'

/** Rejects if the promise takes longer than `ms`, naming what was awaited. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export interface Listening {
  readonly port: number
  readonly url: string
  connections: number
  close(): Promise<void>
}

/** A TCP server on 127.0.0.1 that hands each socket to `onSocket` and counts connections. */
export async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<Listening> {
  const sockets = new Set<net.Socket>()
  const state = { connections: 0 }
  const server = net.createServer((socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
    onSocket(socket)
  })
  return listening(server, sockets, state)
}

/** A plain node:http upstream (not our adapter), counting TCP connections. */
export async function httpUpstream(listener: http.RequestListener): Promise<Listening & { server: http.Server }> {
  const sockets = new Set<net.Socket>()
  const state = { connections: 0 }
  const server = http.createServer(listener)
  server.on('connection', (socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return Object.assign(await listening(server, sockets, state), { server })
}

async function listening(
  server: net.Server,
  sockets: Set<net.Socket>,
  state: { connections: number },
): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return state.connections
    },
    set connections(n: number) {
      state.connections = n
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await tcpServer((s) => s.destroy())
  await server.close()
  return server.port
}

/**
 * Writes bytes to 127.0.0.1:port and collects what comes back until the peer closes, `until` says enough,
 * or `ms` passes (then it resolves with what it has, plus `timedOut`).
 */
export function rawExchange(
  port: number,
  bytes: string | Buffer,
  options: { until?: (received: Buffer) => boolean; ms?: number } = {},
): Promise<{ received: Buffer; closed: boolean; timedOut: boolean; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let done = false
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve({ received, closed, timedOut, socket })
    }
    const timer = setTimeout(() => finish(false, true), options.ms ?? 3000)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (options.until?.(received)) finish(false, false)
    })
    socket.on('close', () => finish(true, false))
    socket.write(bytes)
  })
}

/** Splits raw response bytes at the end of the head. */
export function splitResponse(raw: Buffer): { head: string; lines: string[]; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n')
  const head = end < 0 ? raw.toString('latin1') : raw.subarray(0, end).toString('latin1')
  return { head, lines: head.split('\r\n'), body: end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4) }
}

/** True once the buffer holds a complete head. */
export const hasHead = (raw: Buffer): boolean => raw.includes('\r\n\r\n')
