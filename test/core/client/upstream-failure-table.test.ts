/**
 * Every OS and TLS error code the upstream failure map knows, each with the exact status, cause and sentence the
 * Traffic row and the generated body show, so a code moved to the wrong class or reworded is noticed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { errorCode, upstreamFailure, upstreamTimeout } from '../../../electron/core/client/upstream-failure.ts'
import { bodyText } from '../../../electron/core/message.ts'

const fail = (code: string | undefined, message = 'boom') =>
  upstreamFailure(Object.assign(new Error(message), code === undefined ? {} : { code }), 'api.test:8443')

async function says(code: string | undefined, status: number, cause: string, sentence: string): Promise<void> {
  const res = fail(code)
  assert.equal(res.status, status, `${code}`)
  assert.equal(res.generated?.cause, cause, `${code}`)
  assert.equal(res.generated?.message, sentence, `${code}`)
  assert.equal(await bodyText(res.body), `${sentence}\n`)
}

test('each DNS failure code is an unknown host, named without its port', async () => {
  for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'])
    await says(code, 502, 'unknown-host', `unknown host: api.test (${code})`)
})

test('each certificate code says in words what is wrong with the certificate', async () => {
  const words: Array<[string, string]> = [
    ['CERT_HAS_EXPIRED', 'its certificate has expired'],
    ['CERT_NOT_YET_VALID', 'its certificate is not valid yet'],
    ['CERT_REVOKED', 'its certificate has been revoked'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'its certificate is for a different host (wrong host)'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its certificate was issued by an unknown issuer'],
    ['UNABLE_TO_GET_ISSUER_CERT', 'its certificate was issued by an unknown issuer'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'its certificate was issued by an unknown issuer'],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'its certificate chain ends in an untrusted self-signed certificate (unknown issuer)',
    ],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its certificate is self-signed (unknown issuer)'],
    ['CERT_SIGNATURE_FAILURE', 'its certificate signature is invalid'],
    ['CERT_UNTRUSTED', 'its certificate is not trusted'],
  ]
  for (const [code, problem] of words)
    await says(code, 502, 'tls', `TLS failed for api.test:8443: ${problem} (${code})`)
})

test('a TLS or SSL error without a certificate reason, and EPROTO, are a failed handshake', async () => {
  for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'EPROTO'])
    await says(code, 502, 'tls', `TLS handshake with api.test:8443 failed: boom (${code})`)
  await says('X_ERR_SSL_', 502, 'bad-gateway', 'upstream api.test:8443 failed: X_ERR_SSL_ (boom)')
})

test('each refusal of a request head before sending blames the request, with a 500 that says nothing was sent', async () => {
  for (const code of [
    'ERR_INVALID_CHAR',
    'ERR_INVALID_HTTP_TOKEN',
    'ERR_UNESCAPED_CHARACTERS',
    'ERR_HTTP_INVALID_HEADER_VALUE',
    'ERR_HTTP2_INVALID_HEADER_VALUE',
    'ERR_HTTP2_INVALID_CONNECTION_HEADERS',
    'ERR_HTTP2_INVALID_PSEUDOHEADER',
    'ERR_HTTP2_HEADER_SINGLE_VALUE',
  ])
    await says(
      code,
      500,
      'internal',
      `the request could not be sent to api.test:8443 as it stands, and nothing was sent: boom (${code})`,
    )
})

test('an error with no string code, or no error object at all, is a bad gateway with code UNKNOWN', async () => {
  await says(undefined, 502, 'bad-gateway', 'upstream api.test:8443 failed: UNKNOWN (boom)')
  const numeric = upstreamFailure(Object.assign(new Error('n'), { code: 42 }), 'h:1')
  assert.equal(numeric.generated?.message, 'upstream h:1 failed: UNKNOWN (n)')
  assert.equal(upstreamFailure(null, 'h:1').generated?.message, 'upstream h:1 failed: UNKNOWN (null)')
  assert.equal(upstreamFailure('text', 'h:1').generated?.message, 'upstream h:1 failed: UNKNOWN (text)')
  assert.equal(errorCode(null), undefined)
  assert.equal(errorCode(undefined), undefined)
  assert.equal(errorCode({ code: 'EX' }), 'EX')
})

test('a timeout names how long when it knows, and only then', async () => {
  assert.equal(upstreamTimeout('h:1').generated?.message, 'upstream did not respond: h:1')
  assert.equal(upstreamTimeout('h:1', 250).generated?.message, 'upstream did not respond within 250 ms: h:1')
  assert.equal(upstreamTimeout('h:1', 0).generated?.message, 'upstream did not respond within 0 ms: h:1')
  assert.equal(fail('ETIMEDOUT').status, 504)
})

test('an unknown host given as [v6]:port or with no port is named as given, less the port', () => {
  const dns = Object.assign(new Error('x'), { code: 'ENOTFOUND' })
  assert.equal(upstreamFailure(dns, '[::1]:443').generated?.message, 'unknown host: [::1] (ENOTFOUND)')
  assert.equal(upstreamFailure(dns, ':443').generated?.message, 'unknown host: :443 (ENOTFOUND)')
})
