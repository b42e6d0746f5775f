/**
 * Turns a Node socket/TLS error met while reaching an upstream into a response marked as made by Nanoscope
 * (failures are values, not throws), so the UI can say "upstream refused" rather than pretend the upstream sent a 502.
 */
import { generatedResponse, type Response } from '../message.ts'

const UNKNOWN_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'])
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])
/**
 * Node's refusals of a request head it is asked to send (a name or value with a control character, an unescaped
 * path, a header HTTP/2 forbids): thrown before a byte goes out, so the upstream is not to blame. A client's own bad
 * head never gets this far (the server's parser refuses it): the request was made so by a rule, a script or an edit.
 */
const UNSENDABLE = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_HTTP2_INVALID_HEADER_VALUE',
  'ERR_HTTP2_INVALID_CONNECTION_HEADERS',
  'ERR_HTTP2_INVALID_PSEUDOHEADER',
  'ERR_HTTP2_HEADER_SINGLE_VALUE',
])

/** What each certificate error means, in words a person can act on. */
const TLS_PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  CERT_REVOKED: 'its certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for a different host (wrong host)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate was issued by an unknown issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate was issued by an unknown issuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate was issued by an unknown issuer',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in an untrusted self-signed certificate (unknown issuer)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed (unknown issuer)',
  CERT_SIGNATURE_FAILURE: 'its certificate signature is invalid',
  CERT_UNTRUSTED: 'its certificate is not trusted',
}

/** An error's `code`, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Maps a failure before the response head arrived to a generated response. `where` names the upstream
 * (`host:port`) in the message.
 */
export function upstreamFailure(error: unknown, where: string): Response {
  const code = errorCode(error) ?? 'UNKNOWN'
  const detail = error instanceof Error ? error.message : String(error)
  if (code === 'ECONNREFUSED') return generatedResponse(502, 'refused', `upstream refused the connection: ${where}`)
  if (UNKNOWN_HOST.has(code)) return generatedResponse(502, 'unknown-host', `unknown host: ${hostOf(where)} (${code})`)
  if (code === 'ETIMEDOUT') return upstreamTimeout(where)
  if (RESET.has(code))
    return generatedResponse(502, 'reset', `upstream reset the connection before responding: ${where} (${detail})`)
  if (UNSENDABLE.has(code))
    return generatedResponse(
      500,
      'internal',
      `the request could not be sent to ${where} as it stands, and nothing was sent: ${detail} (${code})`,
    )
  const tls = TLS_PROBLEMS[code]
  if (tls) return generatedResponse(502, 'tls', `TLS failed for ${where}: ${tls} (${code})`)
  if (code.startsWith('HPE_')) {
    return generatedResponse(
      502,
      'bad-gateway',
      `upstream ${where} sent a response that is not valid HTTP: ${detail} (${code})`,
    )
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return generatedResponse(502, 'tls', `TLS handshake with ${where} failed: ${detail} (${code})`)
  }
  return generatedResponse(502, 'bad-gateway', `upstream ${where} failed: ${code} (${detail})`)
}

export function upstreamTimeout(where: string, timeoutMs?: number): Response {
  const within = timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`
  return generatedResponse(504, 'timeout', `upstream did not respond${within}: ${where}`)
}

function hostOf(where: string): string {
  const at = where.lastIndexOf(':')
  return at > 0 ? where.slice(0, at) : where
}
