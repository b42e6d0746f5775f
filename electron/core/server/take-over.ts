/**
 * What both server adapters do the same way: call the handler so that a throw becomes a generated 500 (the
 * last-resort catch-all), and serve CONNECT and Upgrade requests, whose answer may take the client's socket
 * over as a tunnel after its head is written.
 */
import type { Duplex } from 'node:stream'
import type { HttpHandler } from '../http.ts'
import { generatedResponse, type Request, type Response } from '../message.ts'
import { discardBody, messageOf, responseHead, writeRawResponse } from './write-response.ts'

/** Calls the handler; a throw becomes a generated 500. Never rejects. */
export async function respond(handler: HttpHandler, request: Request): Promise<Response> {
  try {
    return await handler(request)
  } catch (error) {
    return generatedResponse(500, 'internal', `the handler failed: ${messageOf(error)}`)
  }
}

/**
 * Answers a CONNECT or Upgrade request (carrying `connection: { socket, head }`) on its raw socket: a response
 * with a `tunnel` gets the socket after its head; any other response is written whole and the socket ended.
 * Never rejects: a failure destroys the socket.
 */
export function takeOver(handler: HttpHandler, request: Request, socket: Duplex, head: Buffer): void {
  socket.on('error', ignore) // whoever had the socket before removed its own handler
  serveTunnel(handler, request, socket, head).catch(() => socket.destroy())
}

async function serveTunnel(handler: HttpHandler, request: Request, socket: Duplex, head: Buffer): Promise<void> {
  const response = await respond(handler, request)
  if (socket.destroyed) {
    discardBody(response.body)
    return
  }
  if (!response.tunnel) {
    writeRawResponse(request.method, socket, response)
    return
  }
  try {
    socket.write(responseHead(response, false), 'latin1')
    await response.tunnel(socket, head)
  } catch {
    socket.destroy()
  }
}

function ignore(): void {}
