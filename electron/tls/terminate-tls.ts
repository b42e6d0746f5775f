/**
 * The TLS end of an intercepted CONNECT tunnel: Nanoscope completes the client's handshake with a leaf minted
 * for the host it asked for (SNI, else the CONNECT target), offers `h2` and `http/1.1` by ALPN (RFC 7301), then
 * serves the decrypted HTTP/2 (`h2Sessions`) or HTTP/1.1 (`serveWireConnections`), as the client picked, so each
 * request goes through the proxy's pipeline.
 *
 * The tunnel's stats count the encrypted bytes on the client's socket. A handshake that does not complete
 * becomes `stats.error = 'tls handshake failed: …'` (capture records it as a failed exchange), naming a
 * rejected certificate when the client's alert says so.
 */
import net from 'node:net'
import tls from 'node:tls'
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../core/http.ts'
import type { TunnelStats } from '../core/message.ts'
import { serveWireConnections } from '../core/server/wire-server.ts'
import { h2Sessions } from '../core/server/h2-server.ts'
import type { LeafMinter } from './leaf-minter.ts'

export interface TerminateOptions {
  /** The CONNECT target's host: the certificate's name when the client sends no SNI. */
  readonly host: string
  readonly certificates: LeafMinter
  /** Serves the decrypted requests (already given their absolute `https://` targets). */
  readonly decrypted: HttpHandler
  readonly handshakeTimeoutMs: number
}

/** A client that closes this soon after the handshake without a single request most likely refused our certificate. */
const REJECTED_AFTER_HANDSHAKE_MS = 1000

/** Alerts by which a client says it does not accept the certificate (RFC 8446 §6.2). */
const CERTIFICATE_ALERTS = new Set([
  'unknown ca',
  'bad certificate',
  'certificate unknown',
  'unsupported certificate',
  'certificate expired',
  'certificate revoked',
  'decrypt error',
  'access denied',
])

/**
 * Terminates TLS on `client`, whose first bytes (`first`, a ClientHello) were already read from it. Resolves
 * when the connection closes; never rejects.
 */
export async function terminateTls(client: Duplex, first: Buffer, options: TerminateOptions): Promise<TunnelStats> {
  const counter = byteCounter(client, first.length)
  let leaf: Awaited<ReturnType<typeof options.certificates.mint>>
  try {
    leaf = await options.certificates.mint(options.host)
  } catch (error) {
    client.destroy()
    return {
      ...counter.stats(),
      error: `tls handshake failed: no certificate for ${options.host}: ${messageOf(error)}`,
    }
  }
  const fallback = leaf.context
  client.unshift(first)
  const secure = new tls.TLSSocket(client as net.Socket, {
    isServer: true,
    secureContext: fallback,
    ALPNProtocols: ['h2', 'http/1.1'],
    SNICallback(servername, done) {
      options.certificates.mint(servername).then(
        (l) => done(null, l.context),
        () => done(null, fallback),
      )
    },
  })

  let problem: string | undefined
  let handshakeAt: number | undefined
  let requests = 0
  const decrypted: HttpHandler = (req) => {
    requests++
    return options.decrypted(req)
  }
  const timer = setTimeout(() => {
    problem ??= `tls handshake failed: the client did not finish the handshake within ${options.handshakeTimeoutMs} ms`
    secure.destroy()
  }, options.handshakeTimeoutMs)
  secure.once('secure', () => {
    clearTimeout(timer)
    handshakeAt = performance.now()
    if (secure.alpnProtocol === 'h2') {
      // A TLSSocket made without a tls.Server never clears `secureConnecting` (only the server's secureConnection
      // path does), and node:http2 would wait for a 'secureConnect' that never comes; the handshake is done here.
      Object.assign(secure, { secureConnecting: false })
      h2Sessions(decrypted).accept(secure)
    } else serveWireConnections(decrypted)(secure)
  })
  // A client that hangs up mid-handshake leaves the TLS socket half-open, waiting for a handshake that will never finish.
  secure.once('end', () => {
    if (handshakeAt === undefined) secure.destroy()
  })
  secure.on('error', (error: NodeJS.ErrnoException) => {
    problem ??= handshakeAt === undefined ? handshakeProblem(error) : `client: ${error.code ?? error.message}`
  })
  await new Promise<void>((resolve) => secure.once('close', () => resolve()))
  clearTimeout(timer)
  client.destroy()
  if (handshakeAt === undefined) {
    problem ??=
      'tls handshake failed: the client closed the connection during the handshake (it may not trust the Nanoscope CA)'
  } else if (requests === 0 && problem === undefined && performance.now() - handshakeAt < REJECTED_AFTER_HANDSHAKE_MS) {
    problem =
      'tls handshake failed: the client closed the connection straight after the handshake without a request (it probably does not trust the Nanoscope CA)'
  }
  return problem === undefined ? counter.stats() : { ...counter.stats(), error: problem }
}

/** Names why a handshake failed, from the OpenSSL error code (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, …). */
export function handshakeProblem(error: NodeJS.ErrnoException): string {
  const code = error.code ?? ''
  const alert = /ALERT_([A-Z_]+)$/.exec(code)?.[1]?.toLowerCase().replace(/_/g, ' ')
  if (alert && CERTIFICATE_ALERTS.has(alert)) return `tls handshake failed: client rejected the certificate (${alert})`
  if (alert) return `tls handshake failed: the client sent the alert "${alert}"`
  if (code === 'ECONNRESET')
    return 'tls handshake failed: the client reset the connection during the handshake (it may not trust the Nanoscope CA)'
  return `tls handshake failed: ${error.message}${code ? ` (${code})` : ''}`
}

/**
 * Counts the client socket's bytes from now on, plus the `already` bytes read before; a net.Socket keeps its
 * counts even after TLS takes over its handle.
 */
function byteCounter(client: Duplex, already: number): { stats(): TunnelStats } {
  if (client instanceof net.Socket) {
    const read = client.bytesRead
    const written = client.bytesWritten
    return { stats: () => ({ bytesUp: already + client.bytesRead - read, bytesDown: client.bytesWritten - written }) }
  }
  return { stats: () => ({ bytesUp: already, bytesDown: 0 }) }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
