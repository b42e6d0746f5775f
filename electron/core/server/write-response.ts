/**
 * Writes a Response onto the wire, either through Node's ServerResponse (ordinary exchanges) or onto a raw
 * socket (answers to CONNECT and Upgrade requests, which Node hands over before any response exists).
 *
 * Headers go out as given: order, case and duplicates. The only additions are framing Node or HTTP requires.
 * A body stream that fails mid-way destroys the client's socket, so the client sees a truncated response
 * rather than a complete-looking one.
 */
import http from 'node:http'
import type { Duplex } from 'node:stream'
import { generatedResponse, header, type Body, type Response } from '../message.ts'
import { flatHeaders } from '../wire/raw-headers.ts'
import { pipeBody } from '../wire/stream-plumbing.ts'

/** HEAD responses, 1xx, 204 and 304 never carry a body (RFC 9110 §6.4.1). */
export function mayHaveBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304
}

/** Lets go of a body nobody will send, so its upstream connection is freed. */
export function discardBody(body: Body): void {
  if (body.kind === 'stream' && !body.stream.destroyed) body.stream.destroy()
}

export function writeResponse(method: string, res: http.ServerResponse, response: Response): void {
  res.sendDate = false
  try {
    res.writeHead(response.status, response.reason, flatHeaders(response.headers))
  } catch (error) {
    discardBody(response.body)
    if (res.headersSent) {
      res.destroy()
      return
    }
    const fallback = generatedResponse(500, 'internal', `the response could not be written: ${messageOf(error)}`)
    res.writeHead(fallback.status, fallback.reason, flatHeaders(fallback.headers))
    res.end(fallback.body.kind === 'bytes' ? fallback.body.bytes : undefined)
    return
  }
  const body = response.body
  if (!mayHaveBody(method, response.status)) {
    discardBody(body)
    res.end()
    return
  }
  if (body.kind === 'bytes') {
    res.end(body.bytes)
    return
  }
  pipeBody(body.stream, res, () => res.destroy())
}

/** Writes a whole response onto a raw socket and ends it. */
export function writeRawResponse(method: string, socket: Duplex, response: Response): void {
  const body = response.body
  const withBody = mayHaveBody(method, response.status)
  let head: string
  try {
    head = responseHead(response, withBody)
  } catch (error) {
    discardBody(body)
    writeRawResponse(
      method,
      socket,
      generatedResponse(500, 'internal', `the response could not be written: ${messageOf(error)}`),
    )
    return
  }
  if (!withBody) {
    discardBody(body)
    socket.end(head, 'latin1')
    return
  }
  socket.write(head, 'latin1')
  if (body.kind === 'bytes') {
    socket.end(body.bytes)
    return
  }
  pipeBody(body.stream, socket, () => socket.destroy())
}

/**
 * The status line and header block (write it as latin1, as Node does, so header bytes round-trip), validated so a value cannot smuggle CR/LF onto the wire. When the body is
 * sent and the headers do not frame it, a known length is added as Content-Length; otherwise the body ends
 * when the connection closes (RFC 9112 §6.3, rule 8).
 */
export function responseHead(response: Response, withBody = true): string {
  if (!Number.isInteger(response.status) || response.status < 100 || response.status > 999) {
    throw new RangeError(`invalid status code ${response.status}`)
  }
  if (/[\r\n]/.test(response.reason)) throw new TypeError('the reason phrase contains CR or LF')
  let head = `HTTP/1.1 ${response.status} ${response.reason}\r\n`
  for (const [name, value] of response.headers) {
    http.validateHeaderName(name)
    http.validateHeaderValue(name, value)
    head += `${name}: ${value}\r\n`
  }
  const body = response.body
  const length = body.kind === 'bytes' ? body.bytes.byteLength : body.length
  const framed = header(response, 'content-length') !== undefined || header(response, 'transfer-encoding') !== undefined
  if (withBody && !framed && length !== undefined && !response.tunnel) head += `Content-Length: ${length}\r\n`
  return `${head}\r\n`
}

/**
 * The short answer to a client whose bytes will not be read (RFC 9112 §2.2): 400 for what is not HTTP, 431 for
 * headers past the limit, 408 for a request too slow to arrive; plain text, then the connection closes.
 */
export function clientErrorAnswer(code: string | undefined): string {
  const [status, reason, text] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'request headers too large']
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request took too long']
        : [400, 'Bad Request', `malformed request (${code ?? 'parse error'})`]
  const body = `${text}\n`
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
