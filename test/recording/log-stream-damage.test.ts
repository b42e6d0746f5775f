// A log read as a stream (an S3 session's segments) names where damage is, counted from the log's start, even when
// whole records came before it in the same chunk or in earlier ones.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeLogStream } from '../../electron/recording/log-stream.ts'
import { encodeRecord, SessionError } from '../../electron/recording/record-log.ts'
import { exchange } from './support.ts'

async function read(chunks: Buffer[]): Promise<unknown[]> {
  async function* source() {
    yield* chunks
  }
  const out: unknown[] = []
  for await (const x of decodeLogStream(source(), 'the.log')) out.push(x)
  return out
}

test('damage after whole records in the same chunk, or in later chunks, is named at its byte in the whole log', async () => {
  const one = encodeRecord(exchange({ url: 'http://h.test/1' }))
  const two = encodeRecord(exchange({ url: 'http://h.test/2' }))
  const damage = Buffer.from('this is not a record frame line at all\nmore\n')
  for (const chunks of [[Buffer.concat([one, two, damage])], [one, Buffer.concat([two, damage])], [one, two, damage]]) {
    await assert.rejects(read(chunks), (e: Error) => {
      assert.ok(e instanceof SessionError)
      assert.match(
        e.message,
        new RegExp(`^the\\.log at byte ${one.byteLength + two.byteLength}: expected a record frame line`),
      )
      return true
    })
  }
})
