import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseWrk } from '../../bench/wrk.ts'
import { addedP50Ratio, roundsLines, summaryTable } from '../../bench/pinned-bench.ts'
import type { Cell } from '../../bench/report.ts'
import type { Measurement } from '../../bench/load.ts'

const REPORT = `Running 2s test @ http://127.0.0.1:47811/x
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.13ms   16.09ms 121.74ms   91.08%
    Req/Sec     8.68k     5.51k   26.53k    78.95%
  Latency Distribution
     50%  187.00us
     75%    2.80ms
     90%   18.15ms
     99%    1.02s
  17106 requests in 2.05s, 18.86MB read
  Socket errors: connect 0, read 2, write 1, timeout 4
  Non-2xx or 3xx responses: 17
Requests/sec:   8337.24
Transfer/sec:      9.19MB
`

test("wrk's latency report is read in milliseconds whatever unit wrk printed, with its errors and failed statuses", () => {
  const m = parseWrk(REPORT)
  assert.equal(m.reqPerS, 8337.24)
  assert.equal(m.p50Ms, 0.187)
  assert.equal(m.p99Ms, 1020)
  assert.equal(m.meanMs, 6.13)
  assert.equal(m.requests, 17106)
  assert.equal(m.errors, 7)
  assert.equal(m.non2xx, 17)
  assert.equal(Math.round(m.mbPerS * 100) / 100, Math.round(((18.86 * 2 ** 20) / 2.05 / 1e6) * 100) / 100)
})

test('a wrk report without its latency distribution is refused, naming what is missing', () => {
  assert.throws(() => parseWrk(REPORT.replace(/ {5}99%.*\n/, '')), /no 99th percentile/)
})

const p50 = (...values: number[]): Measurement[] => values.map((p50Ms) => ({ p50Ms, reqPerS: 1 }) as Measurement)
const cell = (scenario: Cell['scenario'], rounds: Measurement[]): Cell => ({
  scenario,
  size: '1k',
  rounds,
  best: rounds[0]!,
})

test('the latency a proxy adds on one connection is divided by what nginx adds in the same round, and the median taken', () => {
  const single = [
    cell('direct', p50(0.05, 0.06, 0.05)),
    cell('nginx', p50(0.1, 0.16, 0.15)),
    cell('nanoscope-plain', p50(0.15, 0.16, 0.35)),
  ]
  const r = addedP50Ratio(single, 'nanoscope-plain')!
  assert.deepEqual(
    r.perRound.map((x) => Number(x.toFixed(2))),
    [2, 1, 3],
  )
  assert.equal(Number(r.median.toFixed(2)), 2)
  assert.equal(addedP50Ratio(single.slice(0, 1), 'nanoscope-plain'), undefined)
})

test("the summary gives each scenario's req/s as the median of its per-round ratios to the bare pipe", () => {
  const rate = (...values: number[]): Measurement[] =>
    values.map((reqPerS) => ({ reqPerS, p50Ms: 1, p99Ms: 2 }) as Measurement)
  const cells = [cell('bare-pipe', rate(200, 100, 100)), cell('nginx', rate(300, 400, 150))]
  const row = summaryTable(cells, [], 32)
    .split('\n')
    .find((l) => l.startsWith('| nginx'))!
  // Rounds: 1.50, 4.00, 1.50; the median is 1.50 (best over best would say 2.00, the mean 2.33).
  assert.match(row, /^\| nginx \| 1\.50× \| – \| – \| 2\.0 \/ – ms \|/)
})

test("every round's ratio to the bare pipe is listed per scenario and cell, in round order", () => {
  const rate = (...values: number[]): Measurement[] => values.map((reqPerS) => ({ reqPerS }) as Measurement)
  const lines = roundsLines(
    [cell('bare-pipe', rate(100, 200)), cell('nginx', rate(300, 100))],
    [cell('direct', rate(50, 50)), cell('bare-pipe', rate(10, 20)), cell('nginx', rate(5, 30))],
    32,
  )
  assert.deepEqual(lines, ['nginx: 1 KiB ×32 3.00, 0.50; 64 KiB ×32 –; 1 KiB ×1 0.50, 1.50'])
})
