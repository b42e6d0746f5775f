/**
 * Guards a local control surface (the chaos API) against web pages: a browser marks a cross-site request
 * with an `Origin` (RFC 6454 §7) or `Sec-Fetch-Site: cross-site`; both are refused unless the origin is the
 * very address the request was sent to. And against DNS rebinding: the `Host` must be an IP literal or
 * `localhost`, since a rebinding attack reaches us under the attacker's own domain name.
 * Non-browser clients (curl, test suites) send no Origin and pass.
 */
import { describe, type Filter } from '../http.ts'
import { header, response } from '../message.ts'

const LOCAL_NAME = /^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d+)?$/i

export function refuseCrossSite(): Filter {
  return describe('refuses requests from other web origins and under foreign host names', (next) =>
    async function sameSiteOnly(req) {
      const host = header(req, 'Host')?.toLowerCase()
      if (host !== undefined && !LOCAL_NAME.test(host))
        return refuse(`the Host "${host}" is not an address of this machine`)
      const origin = header(req, 'Origin')
      if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
        return refuse(`requests from ${origin} are not accepted`)
      if (header(req, 'Sec-Fetch-Site')?.toLowerCase() === 'cross-site')
        return refuse('cross-site requests are not accepted')
      return next(req)
    })
}

function refuse(why: string) {
  return response(403, { headers: [['Content-Type', 'text/plain; charset=utf-8']], body: `Forbidden: ${why}.\n` })
}
