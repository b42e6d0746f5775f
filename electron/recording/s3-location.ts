/**
 * Where an S3 session lives (`s3://bucket/prefix/NAME`), the client that reaches it, and S3's failures said in
 * one line. The client takes credentials, region and endpoint from the AWS SDK's standard chain (environment,
 * shared config and credentials files, `AWS_PROFILE`), including `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_S3`
 * for S3-compatible servers (MinIO, Cloudflare R2, Ceph, s3rver).
 *
 * Beware: S3-compatible servers differ from AWS in two ways this client allows for. Path-style addressing
 * (`http://endpoint/bucket/key`) is used whenever an endpoint is configured, or `NANOSCOPE_S3_PATH_STYLE=1`;
 * and checksums are sent only where S3 requires them (newer SDKs add streaming CRC trailers by default, which
 * many compatible servers reject).
 */
import { S3Client } from '@aws-sdk/client-s3'

export interface S3Location {
  readonly bucket: string
  /** The key prefix of the session's objects, without a trailing slash (may be empty for a listing). */
  readonly key: string
}

export { isS3Ref } from './session-location.ts'

/** `s3://bucket/a/b` → `{ bucket, key: 'a/b' }`. Throws with a clear message for a malformed one. */
export function parseS3Ref(ref: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(ref)
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!)) {
    throw new Error(
      `"${ref}" is not an S3 location: write s3://bucket/prefix/NAME (a bucket name is 3-63 lower-case letters, digits, dots and dashes)`,
    )
  }
  return { bucket: m[1]!, key: (m[2] ?? '').replace(/\/+$/, '') }
}

export function s3Ref(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`
}

/** The configured endpoint, when one is (S3-compatible servers); undefined means AWS's own. */
export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined
}

let shared: S3Client | undefined

/** One client per process, made on first use from the environment. */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  if (shared) return shared
  // The SDK warns once per process that its 2027 releases will need Node 22; package-lock pins the one we test.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const endpoint = s3Endpoint(env)
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION
  shared = new S3Client({
    forcePathStyle: endpoint !== undefined || env.NANOSCOPE_S3_PATH_STYLE === '1',
    // A compatible server rarely cares about the region, but the SDK must have one to sign with.
    ...(!region && endpoint ? { region: 'us-east-1' } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  return shared
}

/** Forgets the shared client (tests that change the environment). */
export function resetS3Client(): void {
  shared?.destroy()
  shared = undefined
}

/** An S3 failure in one line, naming the bucket and what to check. */
export function explainS3Error(error: unknown, where: string): Error {
  const e = error as {
    name?: string
    Code?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number }
  }
  const network = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(
    e.message ?? '',
  )?.[1]
  const code =
    e.Code ??
    network ??
    (typeof e.code === 'string' ? e.code : undefined) ??
    (e.name !== 'Error' ? e.name : undefined) ??
    ''
  const status = e.$metadata?.httpStatusCode
  const endpoint = s3Endpoint() ?? 'AWS S3'
  let why: string
  if (code === 'NoSuchBucket') why = `no such bucket (at ${endpoint})`
  else if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch')
    why = `the credentials were refused (${code}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE`
  else if (code === 'AccessDenied' || code === 'Forbidden' || status === 403)
    why = `access denied (${e.message || code}); check the credentials and the bucket's policy`
  else if (code === 'CredentialsProviderError' || (/credential/i.test(e.message ?? '') && !status))
    why = 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE'
  else if (/region is missing/i.test(e.message ?? ''))
    why = 'no AWS region: set AWS_REGION (or a region in the AWS config file)'
  else if (
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ECONNRESET',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'TimeoutError',
    ].includes(code)
  )
    why = `cannot reach ${endpoint} (${code}); check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 and the network`
  else why = `${code || 'S3 error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`
  return new Error(`${where}: ${why}`)
}
