/**
 * How each way of failing to reach an upstream reads to the user: the status, the cause the UI names, and the words.
 * Through the client (its DNS lookup is the one seam a test can make the OS fail through), and in memory for the
 * long tail of error codes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { upstreamFailure, upstreamTimeout } from '../../../electron/core/client/upstream-failure.ts'
import { bodyText, GENERATED_HEADER, header, request, type Response } from '../../../electron/core/message.ts'

/** A lookup that fails the way the OS does, with `code` on the error. */
function failingLookup(code: string): net.LookupFunction {
  return ((hostname: string, _options: unknown, callback: (error: Error) => void) => {
    callback(Object.assign(new Error(`connect ${code} ${hostname}`), { code }))
  }) as unknown as net.LookupFunction
}

async function seen(res: Response): Promise<{ status: number; cause: string | undefined; text: string }> {
  const text = await bodyText(res.body)
  assert.equal(header(res, GENERATED_HEADER), res.generated?.cause, 'the header and the marker agree')
  assert.equal(text, `${res.generated?.message}\n`, 'the body is the message the UI shows')
  return { status: res.status, cause: res.generated?.cause, text }
}

test('an OS connect timeout (ETIMEDOUT) is a 504 timeout, not a 502', async () => {
  const client = nodeClient({ lookup: failingLookup('ETIMEDOUT') })
  try {
    const got = await seen(await client(request({ target: 'http://slow.example:8081/' })))
    assert.deepEqual(got, {
      status: 504,
      cause: 'timeout',
      text: 'upstream did not respond: slow.example:8081\n',
    })
  } finally {
    client.close()
  }
})

test('an unknown host is a 502 that names the host without its port, and the DNS code', async () => {
  const client = nodeClient({ lookup: failingLookup('EAI_AGAIN') })
  try {
    const got = await seen(await client(request({ target: 'http://nowhere.example:8081/' })))
    assert.deepEqual(got, { status: 502, cause: 'unknown-host', text: 'unknown host: nowhere.example (EAI_AGAIN)\n' })
  } finally {
    client.close()
  }
})

test('every DNS failure code reads as an unknown host', async () => {
  for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']) {
    const got = await seen(upstreamFailure(Object.assign(new Error('dns'), { code }), 'h.example:80'))
    assert.deepEqual(got, { status: 502, cause: 'unknown-host', text: `unknown host: h.example (${code})\n` }, code)
  }
})

test('a bare host name (no port) is named whole in the unknown-host message', async () => {
  const got = await seen(upstreamFailure(Object.assign(new Error('dns'), { code: 'ENOTFOUND' }), 'bare'))
  assert.equal(got.text, 'unknown host: bare (ENOTFOUND)\n')
})

test('a refused connection is a 502 refused naming host and port', async () => {
  const got = await seen(upstreamFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), '10.0.0.1:81'))
  assert.deepEqual(got, { status: 502, cause: 'refused', text: 'upstream refused the connection: 10.0.0.1:81\n' })
})

test('a reset, a broken pipe and an aborted connection are each a 502 reset with the error text', async () => {
  for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED']) {
    const got = await seen(upstreamFailure(Object.assign(new Error(`read ${code}`), { code }), 'u:1'))
    assert.deepEqual(
      got,
      { status: 502, cause: 'reset', text: `upstream reset the connection before responding: u:1 (read ${code})\n` },
      code,
    )
  }
})

test('a certificate problem is a 502 tls that says what is wrong with the certificate', async () => {
  const cases: Array<[string, string]> = [
    ['CERT_HAS_EXPIRED', 'its certificate has expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'its certificate is for a different host (wrong host)'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its certificate is self-signed (unknown issuer)'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its certificate was issued by an unknown issuer'],
  ]
  for (const [code, words] of cases) {
    const got = await seen(upstreamFailure(Object.assign(new Error('tls'), { code }), 'h:443'))
    assert.deepEqual(got, { status: 502, cause: 'tls', text: `TLS failed for h:443: ${words} (${code})\n` }, code)
  }
})

test('a TLS handshake failure without a certificate reason is a 502 tls with the error text', async () => {
  for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'EPROTO']) {
    const got = await seen(upstreamFailure(Object.assign(new Error('bad hello'), { code }), 'h:443'))
    assert.deepEqual(
      got,
      { status: 502, cause: 'tls', text: `TLS handshake with h:443 failed: bad hello (${code})\n` },
      code,
    )
  }
})

test('an upstream that answers with something other than HTTP is a 502 bad gateway saying so', async () => {
  const got = await seen(
    upstreamFailure(Object.assign(new Error('Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' }), 'u:1'),
  )
  assert.deepEqual(got, {
    status: 502,
    cause: 'bad-gateway',
    text: 'upstream u:1 sent a response that is not valid HTTP: Expected HTTP/ (HPE_INVALID_CONSTANT)\n',
  })
})

test('any other failure is a 502 bad gateway with its code, or UNKNOWN when it has none', async () => {
  const coded = await seen(upstreamFailure(Object.assign(new Error('odd'), { code: 'EHOSTUNREACH' }), 'u:1'))
  assert.deepEqual(coded, { status: 502, cause: 'bad-gateway', text: 'upstream u:1 failed: EHOSTUNREACH (odd)\n' })
  const thrown = await seen(upstreamFailure('a string', 'u:1'))
  assert.equal(thrown.text, 'upstream u:1 failed: UNKNOWN (a string)\n')
  const numeric = await seen(upstreamFailure(Object.assign(new Error('n'), { code: 42 }), 'u:1'))
  assert.equal(numeric.text, 'upstream u:1 failed: UNKNOWN (n)\n')
  const nothing = await seen(upstreamFailure(null, 'u:1'))
  assert.equal(nothing.text, 'upstream u:1 failed: UNKNOWN (null)\n')
})

test('a timeout names how long the client waited when it knows', async () => {
  assert.equal((await seen(upstreamTimeout('u:1', 250))).text, 'upstream did not respond within 250 ms: u:1\n')
})
