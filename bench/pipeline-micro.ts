/**
 * In memory, no sockets: what six pipeline blocks that match nothing add to one exchange's trip through the
 * filters, beside the same pipeline without them. `node --import tsx bench/pipeline-micro.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, type HttpHandler } from '../electron/core/http.ts'
import { request, response } from '../electron/core/message.ts'
import { systemClock } from '../electron/core/clock.ts'
import { proxyApp } from '../electron/pipeline/builder.ts'
import { UNMATCHED_BLOCKS } from './nanoscope-proxy.ts'

const dir = mkdtempSync(join(tmpdir(), 'nanoscope-pipeline-micro-'))
const origin = Object.assign(async () => response(200, { body: 'ok' }), { close() {} })
const handlerOf = (blocks: ReturnType<typeof UNMATCHED_BLOCKS>): HttpHandler => {
  const app = proxyApp(blocks, { target: 'http://127.0.0.1:1', clock: systemClock, upstream: origin as never })
  return pipeline(app.filters, app.handler)
}
const plain = handlerOf([])
const six = handlerOf(UNMATCHED_BLOCKS(dir))
const req = () =>
  request({
    method: 'GET',
    target: '/bench/1k?x=1',
    headers: [
      ['Host', '127.0.0.1:8080'],
      ['Accept', '*/*'],
    ],
  })

async function time(h: HttpHandler, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await h(req())
  return Number(process.hrtime.bigint() - start) / n
}

const rounds: [number, number][] = []
for (let r = 0; r < 7; r++) rounds.push([await time(plain, 50_000), await time(six, 50_000)])
rounds.sort((a, b) => a[1] - a[0] - (b[1] - b[0]))
const [p, s] = rounds[3]!
console.log(
  `median round: plain ${p.toFixed(0)} ns, six unmatched blocks ${s.toFixed(0)} ns, added ${(s - p).toFixed(0)} ns per exchange`,
)
rmSync(dir, { recursive: true, force: true })
