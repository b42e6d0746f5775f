/**
 * The client the proxy sends upstream with: HTTP/1.1 (`nodeClient`) or HTTP/2 (`h2Client`), as the origin wants.
 *
 * - `https://` origins are asked by ALPN, offering `h2` and `http/1.1`, the first time they are met; the answer is
 *   remembered per origin (`MAX_REMEMBERED` of them). An h2 answer keeps that connection as the origin's first
 *   session; an http/1.1 answer closes it and the HTTP/1.1 pool connects anew, which costs one extra handshake per
 *   HTTP/1.1 origin, once.
 * - `http://` origins get HTTP/1.1, or h2c with prior knowledge when `h2c` is set (`--h2c-upstream`): h2c cannot be
 *   detected without a round trip that HTTP/1.1 servers would answer with an error, so it is the user's choice.
 * - Websocket upgrades always go over HTTP/1.1.
 */
import type { Request, Response } from '../message.ts'
import { nodeClient, parseTarget, type Client, type ClientOptions } from './node-client.ts'
import { requestFacts } from './wire-request.ts'
import { h2Client } from './h2-client.ts'

export interface MixedClientOptions extends ClientOptions {
  /** Speak h2c (prior knowledge) to every `http://` upstream. Default false: HTTP/1.1. */
  readonly h2c?: boolean
}

/** Origins whose ALPN answer is remembered; past it the memory starts again. */
export const MAX_REMEMBERED = 1024

export function mixedClient(options: MixedClientOptions = {}): Client {
  const h1 = nodeClient(options)
  const h2 = h2Client({
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  })
  const alpn = new Map<string, Promise<'h2' | 'http/1.1' | 'failed'>>()

  function mixedClient(request: Request): Promise<Response> {
    const upstream = parseTarget(request.target)
    if (!upstream) return h1(request)
    // Worked out once here and handed to the HTTP/1.1 client, which would otherwise work them out again.
    const facts = requestFacts(request.headers)
    if (facts.upgrade) return h1.send(request, upstream, facts)
    if (!upstream.secure) return options.h2c ? h2.send(request, upstream) : h1.send(request, upstream, facts)
    let picked = alpn.get(upstream.key)
    if (!picked) {
      if (alpn.size >= MAX_REMEMBERED) alpn.clear()
      picked = h2.negotiate(upstream)
      alpn.set(upstream.key, picked)
    }
    return picked.then((protocol) => {
      if (protocol === 'failed' && alpn.get(upstream.key) === picked) alpn.delete(upstream.key)
      return protocol === 'h2' ? h2.send(request, upstream) : h1.send(request, upstream, facts)
    })
  }

  return Object.assign(mixedClient, {
    close(): void {
      h1.close()
      h2.close()
    },
    description: `${h1.description}; HTTP/2 to origins that pick h2 by ALPN${options.h2c ? ', h2c to http:// origins' : ''}`,
  })
}
