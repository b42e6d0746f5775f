/// <reference path="./s3rver.d.ts" />
// s3rver (an S3-protocol server on a local folder) on 127.0.0.1 for the S3 session tests, and the environment
// and client a team member would set up for an S3-compatible server.
import { S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

/** s3rver on 127.0.0.1 with port 0, keeping its objects in `dir`, with the bucket "team". */
export async function startS3(dir: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'team', configs: [] }],
  })
  const address = await server.run()
  let stopped: Promise<void> | undefined
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => (stopped ??= server.close()) }
}

/** The environment a team member would set for an S3-compatible server; nothing from this machine's AWS setup. */
export function s3Env(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name]
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    ...extra,
  }
}

/** A client for s3rver at `endpoint` (path-style, its fixed credentials). */
export function s3rverClient(endpoint: string): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
}
