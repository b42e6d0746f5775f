/**
 * `throttle`: slows matching exchanges as a slow network would (Charles's throttling). Bodies stream at the
 * given rates, shared by every exchange on one client connection (keep-alive requests queue behind each
 * other, as on a real link); `latencyMs` is added before the request goes on and again before the response
 * comes back. 128 KiB at 64 KiB/s takes about two seconds.
 */
import { Transform, type Readable } from 'node:stream'
import { z } from 'zod'
import { describe } from '../../core/http.ts'
import { streamBody, type Body, type Request } from '../../core/message.ts'
import { markActed, type BlockKind } from '../block.ts'
import { describeMatch } from '../match.ts'
import { commonFields, whenMatched } from './common.ts'

const rate = z
  .number()
  .int()
  .min(1, 'must be at least 1 byte per second')
  .max(10 * 1024 ** 3)

const schema = z
  .strictObject({
    use: z.literal('throttle'),
    ...commonFields,
    downBytesPerSecond: rate.optional().describe('response bodies, server → client'),
    upBytesPerSecond: rate.optional().describe('request bodies, client → server'),
    latencyMs: z.number().int().min(0).max(600_000).optional().describe('added each way'),
  })
  .refine(
    (b) => b.downBytesPerSecond !== undefined || b.upBytesPerSecond !== undefined || b.latencyMs !== undefined,
    'say how to throttle: downBytesPerSecond, upBytesPerSecond or latencyMs',
  )
export type ThrottleBlock = z.infer<typeof schema>

/** Bytes are released in slices of at most this long a time's worth, so a throttled body still streams smoothly. */
export const THROTTLE_SLICE_MS = 50

export const throttleBlock: BlockKind<ThrottleBlock> = {
  use: 'throttle',
  summary: 'slows matching exchanges: body rates each way per client connection, and added latency',
  schema,
  example: { use: 'throttle', downBytesPerSecond: 65536, latencyMs: 100 },
  describe: (b) => {
    const parts = [
      ...(b.downBytesPerSecond ? [`down ${b.downBytesPerSecond} B/s`] : []),
      ...(b.upBytesPerSecond ? [`up ${b.upBytesPerSecond} B/s`] : []),
      ...(b.latencyMs ? [`+${b.latencyMs} ms each way`] : []),
    ]
    return `throttles ${describeMatch(b.match)} (${parts.join(', ')}, per connection)`
  },
  build: (b, context) => {
    const label = b.name ?? 'throttle'
    const links = new Map<string, Link>()
    const linkOf = (req: Request): Link => {
      const key = req.peer ? `${req.peer.address}:${req.peer.port}` : 'unknown'
      let link = links.get(key)
      if (!link) {
        if (links.size > 1024)
          for (const [k, l] of links) if (l.up.free < Date.now() && l.down.free < Date.now()) links.delete(k)
        link = { up: { free: 0 }, down: { free: 0 } }
        links.set(key, link)
      }
      return link
    }
    const filter = whenMatched(b.match, 'throttleExchange', async (req, next) => {
      const link = linkOf(req)
      if (b.latencyMs) await sleep(b.latencyMs)
      const sent = b.upBytesPerSecond
        ? Object.freeze({ ...req, body: paced(req.body, b.upBytesPerSecond, link.up) })
        : req
      const res = await next(sent)
      if (b.latencyMs) await sleep(b.latencyMs)
      const slowed =
        b.downBytesPerSecond && !res.tunnel
          ? Object.freeze({ ...res, body: paced(res.body, b.downBytesPerSecond, link.down) })
          : res
      return markActed(slowed, 'throttled', context, label)
    })
    return { filter: describe(throttleBlock.describe(b), filter) }
  },
}

interface Lane {
  free: number
}
interface Link {
  readonly up: Lane
  readonly down: Lane
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The body as a stream released at `bytesPerSecond`, sharing the lane's clock with the connection's other bodies. */
function paced(body: Body, bytesPerSecond: number, lane: Lane): Body {
  const length = body.kind === 'bytes' ? body.bytes.byteLength : body.length
  if (length === 0) return body
  const slice = Math.max(1, Math.floor((bytesPerSecond * THROTTLE_SLICE_MS) / 1000))
  const pacer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const pushSlices = (offset: number): void => {
        if (offset >= chunk.byteLength) {
          callback()
          return
        }
        const part = chunk.subarray(offset, offset + slice)
        const now = Date.now()
        const start = Math.max(now, lane.free)
        lane.free = start + (part.byteLength * 1000) / bytesPerSecond
        const wait = lane.free - now
        setTimeout(() => {
          this.push(part)
          pushSlices(offset + part.byteLength)
        }, wait)
      }
      pushSlices(0)
    },
  })
  if (body.kind === 'stream') {
    const source: Readable = body.stream
    source.on('error', (error) => pacer.destroy(error))
    pacer.on('close', () => {
      if (!source.readableEnded) source.destroy()
    })
    source.pipe(pacer)
  } else pacer.end(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength))
  return streamBody(pacer, length)
}
