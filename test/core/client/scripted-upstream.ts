/**
 * A raw TCP upstream for client tests that must see or shape the exact bytes: each connection keeps everything it
 * read, and `answer` is called with the connection and the request head each time a head completes. Listens on
 * 127.0.0.1 port 0; `close()` destroys every connection still open.
 */
import type net from 'node:net'
import { tcpServer, within, type Listening } from '../server/net-fixtures.ts'

export interface ScriptedConnection {
  readonly socket: net.Socket
  /** Every byte read on this connection so far, as latin1. */
  received: string
  /** Resolves when the client closes this connection. */
  readonly closed: Promise<void>
}

export interface ScriptedUpstream extends Listening {
  readonly sockets: ScriptedConnection[]
  /** Resolves once `n` connections have been accepted (bounded by `ms`). */
  accepted(n: number, ms?: number): Promise<ScriptedConnection>
}

export async function scriptedUpstream(
  answer: (connection: ScriptedConnection, head: string, index: number) => void,
): Promise<ScriptedUpstream> {
  const sockets: ScriptedConnection[] = []
  const waiting: Array<() => void> = []
  const server = await tcpServer((socket) => {
    let closedNow!: () => void
    const connection: ScriptedConnection = {
      socket,
      received: '',
      closed: new Promise<void>((resolve) => {
        closedNow = resolve
      }),
    }
    socket.once('close', () => closedNow())
    sockets.push(connection)
    for (const wake of waiting.splice(0)) wake()
    let scanned = 0
    let index = 0
    socket.on('data', (chunk: Buffer) => {
      connection.received += chunk.toString('latin1')
      for (;;) {
        const end = connection.received.indexOf('\r\n\r\n', scanned)
        if (end < 0) break
        const head = connection.received.slice(scanned, end)
        const bodyEnd = endOfBody(connection.received, head, end + 4)
        if (bodyEnd < 0) break
        scanned = bodyEnd
        answer(connection, head, index++)
      }
    })
  })
  return Object.assign(server, {
    sockets,
    accepted(n: number, ms = 2000): Promise<ScriptedConnection> {
      const reached = (): Promise<ScriptedConnection> =>
        sockets.length >= n
          ? Promise.resolve(sockets[n - 1]!)
          : new Promise<void>((resolve) => waiting.push(resolve)).then(reached)
      return within(ms, reached(), `connection ${n} to the upstream`)
    },
  })
}

/** Where a request's body ends (its Content-Length, or the last chunk), or -1 while it is incomplete. */
function endOfBody(received: string, head: string, start: number): number {
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  if (length) {
    const end = start + Number(length[1])
    return received.length >= end ? end : -1
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const inner = received.indexOf('\r\n0\r\n', start)
    const zero = received.startsWith('0\r\n', start) ? start : inner < 0 ? -1 : inner + 2
    const end = zero < 0 ? -1 : received.indexOf('\r\n\r\n', zero + 1)
    return end < 0 ? -1 : end + 4
  }
  return start
}
