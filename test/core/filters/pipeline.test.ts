import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../../electron/core/clock.ts'
import { compose, describePipeline, type HttpHandler } from '../../../electron/core/http.ts'
import { header, headerValues, request, response, type Request } from '../../../electron/core/message.ts'
import { addVia } from '../../../electron/core/filters/via.ts'
import { catchAll } from '../../../electron/core/filters/catch-all.ts'
import { removeHopByHop } from '../../../electron/core/filters/hop-by-hop.ts'
import { proxyHost } from '../../../electron/core/filters/proxy-host.ts'
import { reportLatency, type LatencyReport } from '../../../electron/core/filters/report-latency.ts'

test('filters run in the order composed', async () => {
  const seen: Request[] = []
  const upstream: HttpHandler = async (req) => {
    seen.push(req)
    return response(200, {
      headers: [
        ['Connection', 'close'],
        ['Content-Length', '2'],
      ],
      body: 'ok',
    })
  }
  const lines: LatencyReport[] = []
  const clock = fixedClock()
  const proxy = compose(
    catchAll(),
    proxyHost({ https: true }),
    reportLatency((l) => lines.push(l), clock),
    removeHopByHop(),
    addVia(),
  )(upstream)
  const res = await proxy(
    request({
      target: '/a',
      headers: [
        ['Host', 'example.com'],
        ['Proxy-Connection', 'keep-alive'],
      ],
    }),
  )
  assert.deepEqual(seen[0]?.headers, [
    ['Host', 'example.com'],
    ['Via', '1.1 nanoscope'],
  ])
  assert.equal(seen[0]?.target, 'https://example.com/a')
  assert.deepEqual(res.headers, [
    ['Content-Length', '2'],
    ['Via', '1.1 nanoscope'],
  ])
  assert.equal(lines[0]?.url, 'https://example.com/a')
})

test('the outermost catchAll answers for a failure anywhere inside the pipeline', async () => {
  const proxy = compose(
    catchAll(),
    proxyHost(),
  )(async () => {
    throw new Error('socket exploded')
  })
  const res = await proxy(request({ target: '/', headers: [['Host', 'h']] }))
  assert.equal(res.status, 500)
  assert.equal(header(res, 'X-Nanoscope-Generated'), 'internal')
})

test('a filter placed after addVia sees the Via header and one placed before does not', async () => {
  const outer: string[][] = []
  const spy =
    (label: string) =>
    (next: HttpHandler): HttpHandler =>
      async function spying(req) {
        outer.push([label, ...headerValues(req, 'Via')])
        return next(req)
      }
  await compose(spy('before'), addVia(), spy('after'))(async () => response(200))(request({ target: '/' }))
  assert.deepEqual(outer, [['before'], ['after', '1.1 nanoscope']])
})

test('the core filters explain the pipeline one line each', () => {
  const lines = describePipeline(
    [catchAll(), proxyHost({ https: true }), reportLatency(() => {}, fixedClock()), removeHopByHop(), addVia()],
    'sends the request upstream',
  )
  assert.deepEqual(lines, [
    'turns any error into a 500 that says what failed',
    'rebuilds the upstream URL from the request and switches it to https',
    'reports the time each exchange took',
    'removes hop-by-hop headers both ways',
    'adds "Via: <version> nanoscope" both ways',
    'sends the request upstream',
  ])
})
