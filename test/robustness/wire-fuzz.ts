/**
 * fast-check generators for hostile bytes on the wire: raw garbage, and requests/responses that are almost
 * right (a mutated method, target, version, header, line ending or framing), which reach deeper into the
 * parsers than garbage does.
 */
import fc from 'fast-check'

const LINE_ENDINGS = ['\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n', ''] as const

const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/)
const anyText = fc.string({ unit: 'binary', maxLength: 40 })
const latin1Text = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
})

const headerName = fc.oneof(
  { weight: 4, arbitrary: token },
  { weight: 1, arbitrary: latin1Text },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Content-Length',
      'Transfer-Encoding',
      'Host',
      'Connection',
      'Upgrade',
      'Expect',
      'Via',
      'Trailer',
    ),
  },
)
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: latin1Text },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'chunked',
      'gzip, chunked',
      '0',
      '-1',
      '99999999999999999999',
      '5, 5',
      'close',
      'upgrade',
      '100-continue',
      ' ',
    ),
  },
)
const headers = fc.array(fc.tuple(headerName, headerValue, fc.constantFrom(': ', ':', ' : ', ':\t')), { maxLength: 8 })
const body = fc.oneof(
  fc.constant(''),
  latin1Text,
  fc.constantFrom('0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nx\r\n', 'ffffffffffff\r\n'),
)

/** Bytes a client might send: garbage, or a request with parts mutated. `upstream` is where valid ones go. */
export function hostileRequest(upstream: { url: string; host: string }, proxyHost: string): fc.Arbitrary<Buffer> {
  const method = fc.oneof(
    fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'PATCH', 'get', 'PRI'),
    token,
    latin1Text,
  )
  const target = fc.oneof(
    fc.string({ maxLength: 20 }).map((p) => `${upstream.url}/${encodeURIComponent(p)}`),
    fc.string({ maxLength: 20 }).map((p) => `/${encodeURIComponent(p)}`),
    fc.constantFrom('*', upstream.host, '/', '', ' ', `http://${proxyHost}/loop`, 'http://[::1', 'http:///x'),
    latin1Text,
  )
  const version = fc.constantFrom(
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.0',
    'HTTP/2.0',
    'HTTP/1.1 ',
    'HTTP/0.9',
    'HTTP/1.',
    '',
  )
  const hostHeader = fc.constantFrom(
    `Host: ${upstream.host}`,
    `Host: ${proxyHost}`,
    '',
    'Host:',
    `Host: ${upstream.host}\r\nHost: other`,
  )
  const request = fc
    .record({ method, target, version, hostHeader, headers, body, eol: fc.constantFrom(...LINE_ENDINGS) })
    .map(({ method, target, version, hostHeader, headers, body, eol }) => {
      const lines = [
        `${method} ${target} ${version}`,
        ...(hostHeader ? [hostHeader] : []),
        ...headers.map(([n, v, sep]) => `${n}${sep}${v}`),
      ]
      return Buffer.from(lines.join(eol) + eol + eol + body, 'latin1')
    })
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: anyText.map((t) => Buffer.from(t, 'utf8')) },
    { weight: 5, arbitrary: request },
  )
}

export type UpstreamEnding = 'end' | 'destroy' | 'reset' | 'hang'

/** What an upstream might answer: garbage or a mutated response, then how it leaves the connection. */
export function hostileResponse(): fc.Arbitrary<{ bytes: Buffer; ending: UpstreamEnding }> {
  const status = fc.oneof(
    fc.constantFrom(
      '200 OK',
      '204 No Content',
      '304 Not Modified',
      '101 Switching Protocols',
      '100 Continue',
      '999 X',
      '0 Zero',
      '-1 Neg',
      '200',
    ),
    latin1Text,
  )
  const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'ICY', '')
  const response = fc
    .record({ version, status, headers, body, eol: fc.constantFrom(...LINE_ENDINGS) })
    .map(({ version, status, headers, body, eol }) =>
      Buffer.from(
        [`${version} ${status}`, ...headers.map(([n, v, sep]) => `${n}${sep}${v}`)].join(eol) + eol + eol + body,
        'latin1',
      ),
    )
  const bytes = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
    { weight: 4, arbitrary: response },
  )
  return fc.record({ bytes, ending: fc.constantFrom<UpstreamEnding>('end', 'end', 'destroy', 'reset', 'hang') })
}
