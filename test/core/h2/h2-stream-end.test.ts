import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { needs } from '../../support/counterparts.ts'
import { startInterceptingProxy, type InterceptingProxy } from '../../tls/fixtures.ts'
import { run, startH2Upstream, type H2Upstream } from './h2-fixtures.ts'

/** The frames nghttp says it received on the request's stream, as `TYPE flags length` (its -v lines). */
function framesOf(stdout: string): string[] {
  const out: string[] = []
  for (const m of stdout.matchAll(
    /recv (DATA|HEADERS|RST_STREAM) frame <length=(\d+), flags=0x([0-9a-f]{2}), stream_id=13>/g,
  ))
    out.push(`${m[1]} ${m[3]} ${m[2]}`)
  return out
}

describe('how the proxy ends an h2 response stream', { skip: needs('nghttp') }, () => {
  let upstream: H2Upstream
  let proxy: InterceptingProxy
  before(async () => {
    upstream = await startH2Upstream()
    proxy = await startInterceptingProxy({ target: upstream.url, h2cUpstream: true })
  })
  after(async () => {
    await proxy.stop()
    await upstream.stop()
  })

  it('ends a response without trailers with its last DATA frame, as the upstream did, not an empty one after it', async () => {
    const result = await run('nghttp', ['-v', '-t', '10', `${proxy.url}/plain`])
    assert.equal(result.code, 0, result.stderr)
    const frames = framesOf(result.stdout)
    assert.match(frames[0]!, /^HEADERS 04 /, 'the head, without END_STREAM')
    assert.match(
      frames.at(-1)!,
      /^DATA 01 [1-9]\d*$/,
      `the last frame is DATA with bytes and END_STREAM: ${frames.join(', ')}`,
    )
    assert.equal(frames.filter((f) => f === 'DATA 01 0').length, 0, 'no empty DATA frame')
  })

  // Where a large body's end lands depends on flow control and on how the reads fall (a chunk held for the end may
  // have gone out already when backpressure delays the end), so only the bytes and one clean end are pinned here.
  it('ends a 1 MiB response with one END_STREAM after exactly its bytes, and no reset', async () => {
    const result = await run('nghttp', ['-v', '-t', '10', `${proxy.url}/big`])
    assert.equal(result.code, 0, result.stderr)
    const frames = framesOf(result.stdout)
    const data = frames.filter((f) => f.startsWith('DATA '))
    assert.equal(
      data.reduce((sum, f) => sum + Number(f.split(' ')[2]), 0),
      1024 * 1024,
    )
    const ends = frames.filter((f) => (Number.parseInt(f.split(' ')[1]!, 16) & 1) === 1)
    assert.deepEqual(ends.length, 1, frames.slice(-3).join(', '))
    assert.match(frames.at(-1)!, /^DATA 01 /)
    assert.equal(frames.filter((f) => f.startsWith('RST_STREAM')).length, 0)
  })

  it("sends a gRPC response's trailers after its data, ending the stream with them", async () => {
    const result = await run('nghttp', ['-v', '-t', '10', `${proxy.url}/grpc.Test/Ping`])
    assert.equal(result.code, 0, result.stderr)
    const frames = framesOf(result.stdout)
    assert.deepEqual(
      frames.slice(-2).map((f) => f.split(' ').slice(0, 2).join(' ')),
      ['DATA 00', 'HEADERS 05'],
      frames.join(', '),
    )
    assert.match(result.stdout, /recv \(stream_id=13\) grpc-status: 0/)
  })
})
