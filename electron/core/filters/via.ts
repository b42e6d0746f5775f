import { describe, type Filter } from '../http.ts'
import { withHeader, type Request, type Response } from '../message.ts'

/**
 * Records this hop in a `Via` header on the request going upstream and on the response coming back
 * (RFC 9110 §7.6.3): `Via: 1.1 nanoscope`, where `1.1` is the protocol version the message was received with
 * (the protocol name is left out because it is HTTP). Any `Via` already present is kept; ours is appended.
 *
 * Responses Nanoscope generated itself (`response.generated`) get no `Via`: they were never received.
 */
export function addVia(pseudonym = 'nanoscope'): Filter {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?::\d+)?$/.test(pseudonym)) {
    throw new Error(
      `addVia needs a pseudonym that is one token (letters, digits, '-', '.'), such as 'nanoscope'; got ${JSON.stringify(pseudonym)}`,
    )
  }
  return describe(`adds "Via: <version> ${pseudonym}" both ways`, (next) =>
    async function addViaBothWays(req) {
      const res = await next(via(req, pseudonym))
      return res.generated ? res : via(res, pseudonym)
    })
}

function via<M extends Request | Response>(message: M, pseudonym: string): M {
  return withHeader(message, 'Via', `${message.version} ${pseudonym}`)
}
