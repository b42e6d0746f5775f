import { test } from 'node:test'
import assert from 'node:assert/strict'
import { explainS3Error, parseS3Ref, s3Endpoint, s3Ref } from '../../electron/recording/s3-location.ts'
import { isS3Ref, uploadSeconds } from '../../electron/recording/session-location.ts'

/** Runs `f` with the S3 endpoint variables set as given (unset when undefined), then puts them back. */
function withEndpoint<T>(endpoint: { AWS_ENDPOINT_URL?: string; AWS_ENDPOINT_URL_S3?: string }, f: () => T): T {
  const saved = { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3 }
  const set = (name: keyof typeof saved, value: string | undefined) => {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  set('AWS_ENDPOINT_URL', endpoint.AWS_ENDPOINT_URL)
  set('AWS_ENDPOINT_URL_S3', endpoint.AWS_ENDPOINT_URL_S3)
  try {
    return f()
  } finally {
    set('AWS_ENDPOINT_URL', saved.AWS_ENDPOINT_URL)
    set('AWS_ENDPOINT_URL_S3', saved.AWS_ENDPOINT_URL_S3)
  }
}

const explained = (error: unknown, endpoint = 'http://127.0.0.1:9000') =>
  withEndpoint({ AWS_ENDPOINT_URL: endpoint }, () => explainS3Error(error, 'reading s3://team/x').message)

test('an s3:// location splits into its bucket and its key prefix, without trailing slashes', () => {
  assert.deepEqual(parseS3Ref('s3://team/sessions/run-1'), { bucket: 'team', key: 'sessions/run-1' })
  assert.deepEqual(parseS3Ref('s3://team/sessions/run-1//'), { bucket: 'team', key: 'sessions/run-1' })
  assert.deepEqual(parseS3Ref('S3://my.bucket-2/a'), { bucket: 'my.bucket-2', key: 'a' })
  assert.deepEqual(parseS3Ref('s3://team'), { bucket: 'team', key: '' })
  assert.deepEqual(parseS3Ref('s3://team/'), { bucket: 'team', key: '' })
  assert.equal(s3Ref({ bucket: 'team', key: 'sessions/run-1' }), 's3://team/sessions/run-1')
})

test('a bucket name outside S3 rules (too short, upper case, a leading dot) is refused with how to write one', () => {
  for (const ref of ['s3://ab/x', 's3://Team/x', 's3://.team/x', 's3://team-/x', 's3:///x', 'http://team/x']) {
    assert.throws(
      () => parseS3Ref(ref),
      (e: Error) =>
        e.message ===
        `"${ref}" is not an S3 location: write s3://bucket/prefix/NAME (a bucket name is 3-63 lower-case letters, digits, dots and dashes)`,
      ref,
    )
  }
  assert.deepEqual(parseS3Ref(`s3://${'a'.repeat(63)}/k`).bucket, 'a'.repeat(63))
  assert.throws(() => parseS3Ref(`s3://${'a'.repeat(64)}/k`))
  assert.deepEqual(parseS3Ref('s3://abc/k').bucket, 'abc')
})

test('only a location beginning s3:// (any case) names a bucket; a local folder called s3 does not', () => {
  assert.equal(isS3Ref('s3://team/x'), true)
  assert.equal(isS3Ref('S3://team/x'), true)
  assert.equal(isS3Ref('./s3://team'), false)
  assert.equal(isS3Ref('s3:/team'), false)
  assert.equal(isS3Ref('s3'), false)
})

test('the upload interval is NANOSCOPE_S3_UPLOAD_SECONDS when it is a positive number, else 5 seconds', () => {
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: '0.5' }), 0.5)
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: '30' }), 30)
  assert.equal(uploadSeconds({}), 5)
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: '0' }), 5)
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: '-2' }), 5)
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: 'soon' }), 5)
  assert.equal(uploadSeconds({ NANOSCOPE_S3_UPLOAD_SECONDS: 'Infinity' }), 5)
})

test('the S3 endpoint is AWS_ENDPOINT_URL_S3 before AWS_ENDPOINT_URL, and none (AWS itself) when both are unset or empty', () => {
  assert.equal(s3Endpoint({ AWS_ENDPOINT_URL_S3: 'http://a', AWS_ENDPOINT_URL: 'http://b' }), 'http://a')
  assert.equal(s3Endpoint({ AWS_ENDPOINT_URL: 'http://b' }), 'http://b')
  assert.equal(s3Endpoint({ AWS_ENDPOINT_URL_S3: '', AWS_ENDPOINT_URL: 'http://b' }), 'http://b')
  assert.equal(s3Endpoint({ AWS_ENDPOINT_URL: '' }), undefined)
  assert.equal(s3Endpoint({}), undefined)
})

test('a missing bucket is said in words, naming the endpoint asked, or AWS S3 when none is configured', () => {
  assert.equal(explained({ name: 'NoSuchBucket' }), 'reading s3://team/x: no such bucket (at http://127.0.0.1:9000)')
  assert.equal(
    withEndpoint({}, () => explainS3Error({ Code: 'NoSuchBucket' }, 'listing').message),
    'listing: no such bucket (at AWS S3)',
  )
})

test('refused credentials name the variables to check', () => {
  for (const code of ['InvalidAccessKeyId', 'SignatureDoesNotMatch'])
    assert.equal(
      explained({ Code: code, message: 'The key is wrong' }),
      `reading s3://team/x: the credentials were refused (${code}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    )
})

test('access denied, by code or by an HTTP 403, gives the server message and points at the bucket policy', () => {
  assert.equal(
    explained({ Code: 'AccessDenied', message: 'Access Denied' }),
    "reading s3://team/x: access denied (Access Denied); check the credentials and the bucket's policy",
  )
  assert.equal(
    explained({ name: 'Forbidden', message: '' }),
    "reading s3://team/x: access denied (Forbidden); check the credentials and the bucket's policy",
  )
  assert.equal(
    explained({ name: 'Error', message: 'nope', $metadata: { httpStatusCode: 403 } }),
    "reading s3://team/x: access denied (nope); check the credentials and the bucket's policy",
  )
})

test('no credentials at all says which variables to set, but a credential word in a server answer does not', () => {
  const none =
    'reading s3://team/x: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE'
  assert.equal(explained({ name: 'CredentialsProviderError', message: 'Could not load' }), none)
  assert.equal(explained(new Error('Could not load Credentials from any providers')), none)
  assert.equal(
    explained({ name: 'Error', message: 'bad credential scope', $metadata: { httpStatusCode: 400 } }),
    'reading s3://team/x: S3 error (HTTP 400): bad credential scope',
  )
})

test('a missing region says to set AWS_REGION', () => {
  assert.equal(
    explained(new Error('Region is missing')),
    'reading s3://team/x: no AWS region: set AWS_REGION (or a region in the AWS config file)',
  )
})

test('an unreachable endpoint names it and the network error, found in the code or in the message', () => {
  const unreachable = (code: string) =>
    `reading s3://team/x: cannot reach http://127.0.0.1:9000 (${code}); check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 and the network`
  for (const code of [
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
  ]) {
    assert.equal(explained({ name: 'Error', message: `connect ${code} 127.0.0.1:9000` }), unreachable(code))
    assert.equal(explained({ name: 'Error', code, message: 'socket trouble' }), unreachable(code))
  }
  assert.equal(explained({ name: 'TimeoutError', message: 'took too long' }), unreachable('TimeoutError'))
})

test('any other failure keeps its code, HTTP status and message', () => {
  assert.equal(
    explained({ name: 'SlowDown', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }),
    'reading s3://team/x: SlowDown (HTTP 503): Please reduce your request rate.',
  )
  assert.equal(explained({ name: 'Error', code: 42, message: 'odd' }), 'reading s3://team/x: S3 error: odd')
  assert.equal(explained('a string thrown'), 'reading s3://team/x: S3 error: a string thrown')
  assert.equal(
    explained({ Code: 'InternalError', name: 'Other' }),
    'reading s3://team/x: InternalError: [object Object]',
  )
})
