/**
 * Only lets requests through to the hosts on a list (mitmproxy's `--allow-hosts`, Charles's allow list):
 * anything else is answered by Nanoscope with 403 without a DNS lookup or a connection, so a browser's own
 * background traffic, say, never leaves the machine. Works on absolute-form targets (after `proxyHost`) and
 * on CONNECT's authority-form. Patterns as in `hostMatcher`: `example.com`, `*.example.com`, `*`.
 */
import { describe, type Filter } from '../http.ts'
import { generatedResponse } from '../message.ts'
import { hostMatcher } from '../matching/host-patterns.ts'
import { parseTarget } from '../wire/request-target.ts'

export function allowHosts(patterns: readonly string[]): Filter {
  const allowed = hostMatcher(patterns)
  return describe(`lets requests through only to ${patterns.join(', ')}`, (next) =>
    async function onlyAllowedHosts(req) {
      const target = parseTarget(req.target)
      const authority = target?.form === 'absolute' || target?.form === 'authority' ? target.authority : undefined
      const host = authority?.replace(/:\d+$/, '')
      if (host !== undefined && allowed(host)) return next(req)
      return generatedResponse(
        403,
        'bad-request',
        `Nanoscope does not forward to ${host ?? req.target}: it is not on the allowed hosts list (${patterns.join(', ')})`,
      )
    })
}
