// The S3 client made from a team member's environment: path-style addressing for compatible servers, a region
// to sign with when only an endpoint is set, and one client per process until it is reset.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resetS3Client, s3Client } from '../../electron/recording/s3-location.ts'

// The SDK also reads the region from this process's environment: keep it out, so only `env` below counts.
delete process.env.AWS_REGION
delete process.env.AWS_DEFAULT_REGION
delete process.env.AWS_PROFILE
process.env.AWS_CONFIG_FILE = '/nonexistent'

test('with an endpoint configured the client addresses buckets by path and signs for us-east-1 when no region is set', async () => {
  try {
    const client = s3Client({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })
    assert.equal(client.config.forcePathStyle, true)
    assert.equal(await client.config.region(), 'us-east-1')
  } finally {
    resetS3Client()
  }
})

test('NANOSCOPE_S3_PATH_STYLE=1 asks for path-style addressing on AWS too; without it or an endpoint, buckets are hosts', () => {
  try {
    assert.equal(s3Client({ NANOSCOPE_S3_PATH_STYLE: '1' }).config.forcePathStyle, true)
    resetS3Client()
    assert.equal(s3Client({ NANOSCOPE_S3_PATH_STYLE: '0' }).config.forcePathStyle, false)
  } finally {
    resetS3Client()
  }
})

test('the process shares one client until it is reset, after which the environment is read again', () => {
  try {
    const first = s3Client({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })
    assert.equal(s3Client({}), first, 'the same client, whatever the environment says now')
    resetS3Client()
    const second = s3Client({})
    assert.notEqual(second, first)
    assert.equal(second.config.forcePathStyle, false)
  } finally {
    resetS3Client()
  }
})
