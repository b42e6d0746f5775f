/**
 * `npm run bench`: benchmarks Nanoscope's proxy against anchors measured in the same run (direct to the upstream,
 * and a bare Node pipe proxy), then the capture path on its own. Prints a table, ratios with PASS/MISS against
 * the targets, and writes bench/results/latest.json. Always exits 0: benchmarks report, they do not gate.
 *
 * Besides req/s and latency, each cell reports the CPU time (user + system, from `process.cpuUsage()` in each
 * process) spent per request: on a shared 2-core machine it moves far less with the neighbours than req/s does.
 *
 * Env: BENCH_DURATION seconds measured per cell (default 5), BENCH_WARMUP seconds (default 1), BENCH_ROUNDS
 * (default 5), BENCH_SLICES (default 5). Each round runs each size's scenarios in groups, an anchor with the
 * scenarios compared against it (SCENARIOS' `against`), every process fresh for the round: the group's proxies run
 * side by side and are measured in turn, slice by slice (five one-second slices each, each after a quarter second of
 * unmeasured load, as the process was idle meanwhile), so the machine's speed, which drifts by a third and more over
 * seconds to minutes, is shared by a scenario and its anchor. A target comparing the two is the median of the
 * rounds' ratios (`paired` in report.ts); the table shows each cell's best round by req/s.
 * BENCH_CONNECTIONS (default 32), BENCH_ONLY (comma-separated scenario names), BENCH_SKIP_MICRO=1, BENCH_SKIP_H2=1
 * (the HTTP/2 part, bench/h2-bench.ts, which needs h2load).
 *
 * Where wrk and taskset are installed and there are two cores or more, the proxy part is measured instead as issue 19
 * did (bench/pinned-bench.ts): wrk and an nginx origin pinned to CPU 0, the proxy under test alone on CPU 1, every
 * scenario in turn each round, plus 1 KiB on one connection. BENCH_GENERATOR=autocannon keeps the autocannon part.
 */
import os from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tlsBench } from './tls-bench.ts'
import { h2Bench } from './h2-bench.ts'
import { uiBench } from './ui-bench.ts'
import { replayBench } from './replay-bench.ts'
import { fileURLToPath } from 'node:url'
import { startChild, type Child } from './child.ts'
import { nginxBinary } from './nginx-proxy.ts'
import { PINNED_ARRANGEMENT, pinnedBench, type PinnedResult } from './pinned-bench.ts'
import { hasProgram } from './wrk.ts'
import { serveMemory } from './serve-memory.ts'
import { pageLoadBench } from './page-load-bench.ts'
import { SlicedMeasurement, warmUp, type LoadSettings, type Measurement } from './load.ts'
import { SCENARIOS, cpuOf, startScenario, type RunningScenario, type Scenario, type ScenarioName } from './scenarios.ts'
import {
  find,
  bestOf,
  paired,
  pairedNote,
  ratio,
  table,
  target,
  targetLine,
  type Cell,
  type Size,
  type Target,
} from './report.ts'

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name])
  return Number.isFinite(v) && v > 0 ? v : fallback
}
const load: LoadSettings = {
  connections: env('BENCH_CONNECTIONS', 32),
  pipelining: 1,
  durationS: env('BENCH_DURATION', 5),
}
const warmupS = env('BENCH_WARMUP', 1)
const rounds = Math.floor(env('BENCH_ROUNDS', 5))
const slices = Math.floor(env('BENCH_SLICES', 5))
/** Unmeasured load before each slice (seconds). */
const sliceWarmupS = 0.25
const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean)
const nginxMissing = nginxBinary() === undefined
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name) || s.name === 'bare-pipe').filter(
  (s) => s.name !== 'nginx' || !nginxMissing,
)
const SIZES: readonly Size[] = ['1k', '64k']

const cpus = os.cpus()
const wrkMissing = !hasProgram('wrk')
/** wrk with the proxy on a core of its own where the machine allows it (see the header); autocannon otherwise. */
const generator: 'wrk' | 'autocannon' =
  process.env.BENCH_GENERATOR !== 'autocannon' && !wrkMissing && hasProgram('taskset') && cpus.length >= 2
    ? 'wrk'
    : 'autocannon'
const AUTOCANNON_ARRANGEMENT =
  'upstream (node:http) in its own process; the proxy under test in its own process; autocannon (programmatic, ' +
  'one event loop) in the orchestrating process; the WebSocket subscriber, when there is one, in a fourth process. ' +
  `So 2 processes compete for ${cpus.length} cores for "direct", 3 for the proxies, 4 with a subscriber ` +
  '(nanoscope-subscribed: the `nanoscope serve` process and the subscriber process).'
const ARRANGEMENT = generator === 'wrk' ? PINNED_ARRANGEMENT : AUTOCANNON_ARRANGEMENT

function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** Each anchor with the scenarios compared against it, in SCENARIOS order; a scenario whose anchor is not run runs alone. */
function groups(list: readonly Scenario[]): Scenario[][] {
  const out: Scenario[][] = []
  for (const s of list) {
    const withAnchor = s.against === undefined ? undefined : out.find((g) => g[0]!.name === s.against)
    if (withAnchor) withAnchor.push(s)
    else out.push([s])
  }
  return out
}

async function proxyBenchmarks(
  upstream: Child<{ port: number }>,
): Promise<{ cells: Cell[]; deliveries: Record<string, unknown>[]; pipelines: Record<string, readonly string[]> }> {
  const byCell = new Map<string, Measurement[]>()
  const deliveries: Record<string, unknown>[] = []
  const pipelines: Record<string, readonly string[]> = {}
  for (let round = 1; round <= rounds; round++) {
    for (const size of SIZES) {
      for (const group of groups(scenarios)) {
        // Fresh processes for every scenario of the group, all running at once; only the one being measured has load.
        const running: RunningScenario[] = []
        try {
          for (const scenario of group) {
            const r = await startScenario(scenario.name, `http://127.0.0.1:${upstream.ready.port}`)
            running.push(r)
            if (r.pipeline) pipelines[scenario.name] = r.pipeline
          }
          const urls = running.map((r) => `${r.url}/${size}`)
          for (const url of urls) await warmUp(url, load, warmupS)
          const sliced = group.map(() => ({ load: new SlicedMeasurement(), proxyUs: 0, upstreamUs: 0, loaderUs: 0 }))
          const slice = { ...load, durationS: load.durationS / slices }
          for (let k = 0; k < slices; k++) {
            // Each slice measures every scenario of the group in turn, in the opposite order the next time.
            for (const i of k % 2 === 0 ? group.keys() : [...group.keys()].reverse()) {
              const acc = sliced[i]!
              // A moment of unmeasured load first: the process was idle while the others were measured.
              await warmUp(urls[i]!, load, sliceWarmupS)
              const proxyBefore = await running[i]!.cpuMicros?.()
              const upstreamBefore = await cpuOf(upstream)
              const loaderBefore = process.cpuUsage()
              await acc.load.slice(urls[i]!, slice)
              const loader = process.cpuUsage(loaderBefore)
              acc.loaderUs += loader.user + loader.system
              acc.upstreamUs += (await cpuOf(upstream)) - upstreamBefore
              acc.proxyUs =
                proxyBefore === undefined ? NaN : acc.proxyUs + (await running[i]!.cpuMicros!()) - proxyBefore
            }
          }
          for (const [i, scenario] of group.entries()) {
            const measured = sliced[i]!.load.result()
            const per = (us: number): number => us / Math.max(1, measured.requests)
            const { proxyUs, upstreamUs, loaderUs } = sliced[i]!
            const m: Measurement = {
              ...measured,
              cpuUsPerReq: {
                ...(Number.isNaN(proxyUs) ? {} : { proxy: per(proxyUs) }),
                upstream: per(upstreamUs),
                loadGenerator: per(loaderUs),
              },
            }
            const key = `${scenario.name}|${size}`
            byCell.set(key, [...(byCell.get(key) ?? []), m])
            say(
              `  round ${round} ${scenario.name.padEnd(20)} ${size.padEnd(3)} ${m.reqPerS.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(1)} ms  p99 ${m.p99Ms.toFixed(1)} ms  proxy CPU ${m.cpuUsPerReq?.proxy?.toFixed(0) ?? '-'} µs/req${m.errors || m.non2xx ? `  errors ${m.errors} non-2xx ${m.non2xx}` : ''}`,
            )
            const check = running[i]!.deliveryCheck
            if (check) {
              const d = await check()
              const rssMb = running[i]!.rssMb?.()
              deliveries.push({ round, scenario: scenario.name, size, ...d, lost: d.captured - d.delivered, rssMb })
              say(
                `  round ${round} ${scenario.name} ${size}: subscriber was sent ${d.delivered} of ${d.captured} captured exchanges in ${d.batches} batches${rssMb === undefined ? '' : `; serve RSS ${rssMb.toFixed(0)} MB`}`,
              )
            }
          }
        } finally {
          for (const r of running) await r.stop()
        }
      }
    }
  }
  const cells: Cell[] = []
  for (const scenario of scenarios) {
    for (const size of SIZES) {
      const measured = byCell.get(`${scenario.name}|${size}`) ?? []
      if (measured.length > 0) cells.push({ scenario: scenario.name, size, best: bestOf(measured), rounds: measured })
    }
  }
  return { cells, deliveries, pipelines }
}

interface ThroughputResult {
  exchanges: number
  received: number
  lost: number
  perS: number
  ms: number
}
interface MemoryResult {
  exchanges: number
  held: number
  rssMb: number
  baselineRssMb: number
  heapUsedMb: number
  arrayBuffersMb: number
}

async function captureMicro(): Promise<{
  targets: Target[]
  throughput?: { plain: ThroughputResult; encoded: ThroughputResult }
  memory?: MemoryResult
  skipped?: string
}> {
  try {
    const t = await startChild<{ plain: ThroughputResult; encoded: ThroughputResult }>('./capture-micro.ts', {
      args: ['throughput', '200000'],
      nodeFlags: ['--expose-gc'],
      readyTimeoutMs: 60_000,
    })
    await t.stop()
    const m = await startChild<MemoryResult>('./capture-micro.ts', {
      args: ['memory', '100000'],
      nodeFlags: ['--expose-gc'],
      readyTimeoutMs: 60_000,
    })
    await m.stop()
    const { plain } = t.ready
    const mem = m.ready
    return {
      throughput: t.ready,
      memory: mem,
      targets: [
        target(
          'capture hub → 1 subscriber, exchanges/s',
          plain.perS,
          '>=',
          50_000,
          '/s',
          `${plain.received} of ${plain.exchanges} delivered`,
        ),
        target('capture hub → 1 subscriber, exchanges lost', plain.lost, '<=', 0),
        target(
          `RSS after ${mem.exchanges} captured exchanges with 1 KiB bodies`,
          mem.rssMb,
          '<=',
          400,
          'MB',
          `${mem.held} held; baseline ${mem.baselineRssMb.toFixed(0)} MB, heap used ${mem.heapUsedMb.toFixed(0)} MB, array buffers ${mem.arrayBuffersMb.toFixed(0)} MB`,
        ),
      ],
    }
  } catch (error) {
    return { targets: [], skipped: `skipped: capture micro-benchmark could not run (${(error as Error).message})` }
  }
}

async function main(): Promise<void> {
  const started = Date.now()
  say(
    `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 20)} MiB RAM, Node ${process.version}, ${process.platform}/${process.arch}; ` +
      `load: ${generator}, ${load.connections} connections, pipelining ${load.pipelining}, keep-alive, ${warmupS}s warm-up + ${load.durationS}s measured per cell, ${rounds} round(s); ` +
      `arrangement: ${ARRANGEMENT}`,
  )
  for (const s of scenarios) say(`  ${s.name}: ${s.what}`)
  if (nginxMissing)
    say('  nginx: skipped: nginx is not installed (apt-get install nginx-light), so there is no native anchor')
  if (generator === 'autocannon')
    say(
      wrkMissing
        ? "  note: wrk is not installed (apt-get install wrk), so autocannon in this process is the load generator: its cost shares the cores with the proxy and hides part of the proxy's"
        : `  note: autocannon is the load generator (${process.env.BENCH_GENERATOR === 'autocannon' ? 'BENCH_GENERATOR=autocannon' : 'taskset missing or one core'})`,
    )

  const upstream = await startChild<{ port: number }>('./upstream.ts')
  let proxies: Awaited<ReturnType<typeof proxyBenchmarks>>
  let pinned: PinnedResult | undefined
  let replay: Awaited<ReturnType<typeof replayBench>> | undefined
  try {
    if (generator === 'wrk') {
      pinned = await pinnedBench(
        [SCENARIOS.find((s) => s.name === 'direct')!, ...scenarios.filter((s) => s.name !== 'direct')],
        { rounds, durationS: load.durationS, warmupS, connections: load.connections },
        (l) => say(l),
      )
      proxies = pinned
    } else proxies = await proxyBenchmarks(upstream)
    replay =
      process.env.BENCH_SKIP_REPLAY === '1'
        ? undefined
        : await replayBench(`http://127.0.0.1:${upstream.ready.port}`).catch((e: unknown) => {
            say(`replay: skipped: ${(e as Error).message}`)
            return undefined
          })
  } finally {
    await upstream.stop()
  }
  const { cells, deliveries, pipelines } = proxies

  const rps = (s: ScenarioName, size: Size): number | undefined => find(cells, s, size)?.reqPerS
  const p99 = (s: ScenarioName, size: Size): number | undefined => find(cells, s, size)?.p99Ms
  const lost = deliveries.reduce<number | undefined>((sum, d) => (sum ?? 0) + Number(d.lost), undefined)
  const reqPerS = (m: Measurement): number => m.reqPerS
  const p99Of = (m: Measurement): number => m.p99Ms
  const pairedTarget = (
    name: string,
    scenario: ScenarioName,
    anchor: ScenarioName,
    metric: (m: Measurement) => number,
    comparison: '>=' | '<=',
    threshold: number,
    size: Size = '1k',
  ): Target => {
    const p = paired(cells, scenario, anchor, size, metric)
    return target(name, p?.median, comparison, threshold, undefined, pairedNote(p))
  }
  const proxyTargets: Target[] = [
    pairedTarget('nanoscope-capture ÷ bare-pipe req/s, 1 KiB', 'nanoscope-capture', 'bare-pipe', reqPerS, '>=', 0.8),
    pairedTarget('nanoscope-capture ÷ bare-pipe p99, 1 KiB', 'nanoscope-capture', 'bare-pipe', p99Of, '<=', 1.5),
    pairedTarget(
      "nanoscope-subscribed ÷ bare-pipe req/s, 1 KiB (the user's path)",
      'nanoscope-subscribed',
      'bare-pipe',
      reqPerS,
      '>=',
      2,
    ),
    pairedTarget(
      "nanoscope-subscribed ÷ bare-pipe req/s, 64 KiB (the user's path)",
      'nanoscope-subscribed',
      'bare-pipe',
      reqPerS,
      '>=',
      1.5,
      '64k',
    ),
    pairedTarget(
      "nanoscope-subscribed ÷ bare-pipe p99, 1 KiB (the user's path)",
      'nanoscope-subscribed',
      'bare-pipe',
      p99Of,
      '<=',
      1.2,
    ),
    pairedTarget(
      "nanoscope-subscribed ÷ bare-pipe p99, 64 KiB (the user's path)",
      'nanoscope-subscribed',
      'bare-pipe',
      p99Of,
      '<=',
      1,
      '64k',
    ),
    pairedTarget(
      'nanoscope-capture ÷ bare-pipe req/s, 64 KiB',
      'nanoscope-capture',
      'bare-pipe',
      reqPerS,
      '>=',
      2,
      '64k',
    ),
    target('live subscriber: exchanges captured but not delivered', lost, '<=', 0),
    pairedTarget(
      'nanoscope-recording ÷ nanoscope-plain req/s, 1 KiB (recording on vs off)',
      'nanoscope-recording',
      'nanoscope-plain',
      reqPerS,
      '>=',
      0.8,
    ),
    pairedTarget(
      'nanoscope-pipeline ÷ nanoscope-plain req/s, 1 KiB (six blocks that match nothing)',
      'nanoscope-pipeline',
      'nanoscope-plain',
      reqPerS,
      '>=',
      0.95,
    ),
  ]
  const pairedInfo = (scenario: ScenarioName, size: Size, metric: (m: Measurement) => number): string => {
    const p = paired(cells, scenario, 'bare-pipe', size, metric)
    return p ? `${p.median.toFixed(2)} (${pairedNote(p)})` : 'n/a'
  }
  /** p50 a scenario adds over direct (best rounds), 1 KiB: with BENCH_CONNECTIONS=1, the latency it adds. */
  const addedP50 = (scenario: ScenarioName): number | undefined => {
    const s = find(cells, scenario, '1k')?.p50Ms
    const d = find(cells, 'direct', '1k')?.p50Ms
    return s === undefined || d === undefined ? undefined : s - d
  }
  const added = (scenario: ScenarioName): string => {
    const a = addedP50(scenario)
    const n = addedP50('nginx')
    return a === undefined || n === undefined || n <= 0
      ? 'n/a'
      : `${(a / n).toFixed(2)} (adds ${a.toFixed(3)} ms, nginx ${n.toFixed(3)} ms, at ${load.connections} connection(s))`
  }
  const anchors = [
    ["nanoscope-subscribed's added p50 ÷ nginx's, 1 KiB", added('nanoscope-subscribed')],
    ["nanoscope-plain's added p50 ÷ nginx's, 1 KiB", added('nanoscope-plain')],
    ['nginx ÷ bare-pipe req/s, 1 KiB', pairedInfo('nginx', '1k', reqPerS)],
    ['nginx ÷ bare-pipe req/s, 64 KiB', pairedInfo('nginx', '64k', reqPerS)],
    ['nginx ÷ bare-pipe p99, 1 KiB', pairedInfo('nginx', '1k', p99Of)],
    ['nginx ÷ bare-pipe p99, 64 KiB', pairedInfo('nginx', '64k', p99Of)],
    ['nanoscope-subscribed ÷ bare-pipe p50, 1 KiB', pairedInfo('nanoscope-subscribed', '1k', (m) => m.p50Ms)],
    ['nanoscope-subscribed ÷ bare-pipe p50, 64 KiB', pairedInfo('nanoscope-subscribed', '64k', (m) => m.p50Ms)],
    ['nanoscope-capture ÷ bare-pipe p99, 64 KiB', pairedInfo('nanoscope-capture', '64k', p99Of)],
  ] as const
  const info = [
    ['nanoscope-capture ÷ bare-pipe req/s, 64 KiB', ratio(rps('nanoscope-capture', '64k'), rps('bare-pipe', '64k'))],
    ['nanoscope-capture ÷ bare-pipe p99, 64 KiB', ratio(p99('nanoscope-capture', '64k'), p99('bare-pipe', '64k'))],
    [
      'nanoscope-subscribed ÷ bare-pipe req/s, 64 KiB',
      ratio(rps('nanoscope-subscribed', '64k'), rps('bare-pipe', '64k')),
    ],
    ['nanoscope-plain ÷ bare-pipe req/s, 1 KiB', ratio(rps('nanoscope-plain', '1k'), rps('bare-pipe', '1k'))],
    ['nanoscope-plain ÷ bare-pipe req/s, 64 KiB', ratio(rps('nanoscope-plain', '64k'), rps('bare-pipe', '64k'))],
    ['bare-pipe ÷ direct req/s, 1 KiB', ratio(rps('bare-pipe', '1k'), rps('direct', '1k'))],
  ] as const

  say('')
  say(table(cells))
  say(
    '(proxy CPU µs/req: user + system CPU of the proxy process ÷ requests served; steadier than req/s when the machine is shared)',
  )
  say('')
  say(
    "targets (ratios against anchors from this run; a scenario against its anchor is the median of the rounds' ratios):",
  )
  for (const t of proxyTargets) say(`  ${targetLine(t)}`)
  say('for reference (medians of paired rounds, against the bare pipe):')
  // With wrk the one-connection figures come from their own cells (below), not from a run at BENCH_CONNECTIONS=1.
  for (const [name, value] of anchors) if (!pinned || !name.includes('added p50')) say(`  ${name}: ${value}`)
  say('for reference (best round ÷ best round):')
  for (const [name, value] of info) say(`  ${name}: ${value === undefined ? 'n/a' : value.toFixed(2)}`)
  if (pinned) {
    say('')
    say(`on one connection (wrk, origin ${pinned.origin}):`)
    for (const t of pinned.targets) say(`  ${targetLine(t)}`)
    say('')
    say(`medians of ${rounds} rounds, req/s as a ratio to the bare pipe measured in the same round:`)
    say(pinned.summary)
    say('')
    say("every round's req/s ÷ the bare pipe's, in round order:")
    for (const line of pinned.everyRound) say(`  ${line}`)
  }

  say('')
  say('capture path micro-benchmark:')
  const micro =
    process.env.BENCH_SKIP_MICRO === '1'
      ? { targets: [] as Target[], skipped: 'skipped: BENCH_SKIP_MICRO=1' }
      : await captureMicro()
  if ('skipped' in micro && micro.skipped) say(`  ${micro.skipped}`)
  for (const t of micro.targets) say(`  ${targetLine(t)}`)
  if (micro.throughput) {
    const e = micro.throughput.encoded
    say(
      `  for reference: with the subscriber JSON-encoding each batch as the WebSocket does, ${e.perS.toFixed(0)} exchanges/s, ${e.received} of ${e.exchanges} delivered`,
    )
  }

  say('')
  const memoryExchanges = Math.floor(env('BENCH_MEMORY_EXCHANGES', 100_000))
  say(`the user's path's memory (serve + listener + live subscriber, ${memoryExchanges} exchanges of 64 KiB):`)
  const memory =
    process.env.BENCH_SKIP_MEMORY === '1'
      ? undefined
      : await serveMemory(memoryExchanges, '64k').catch((e: unknown) => {
          say(`  skipped: ${(e as Error).message}`)
          return undefined
        })
  const memoryTargets: Target[] = memory
    ? [
        target(
          `serve RSS after ${memory.exchanges} exchanges of 64 KiB`,
          memory.endRssMb,
          '<=',
          300,
          'MB',
          `peak ${memory.peakRssMb} MB, idle ${memory.baselineRssMb} MB; ${memory.delivered} of ${memory.captured} delivered to the subscriber; ${memory.reqPerS} req/s`,
        ),
      ]
    : []
  for (const t of memoryTargets) say(`  ${targetLine(t)}`)
  if (memory) say(`  newest bodies as the window sees them: ${JSON.stringify(memory.bodies)}`)

  say('')
  say('replay of a recorded session at max speed to the local upstream:')
  if (replay)
    say(
      `  ${replay.sent} requests in ${replay.elapsedMs.toFixed(0)} ms, ${replay.same} answered the same, concurrency ${replay.concurrency}`,
    )
  for (const t of replay?.targets ?? []) say(`  ${targetLine(t)}`)

  say('')
  say('HTTPS interception (plain HTTP through the proxy is the anchor):')
  const tls =
    process.env.BENCH_SKIP_TLS === '1'
      ? undefined
      : await tlsBench({ durationS: load.durationS }).catch((e: unknown) => {
          say(`  skipped: ${(e as Error).message}`)
          return undefined
        })
  if (tls)
    say(
      `  plain ${tls.plainReqPerS.toFixed(0)} req/s, https ${tls.httpsReqPerS.toFixed(0)} req/s, median mint ${tls.medianMintMs.toFixed(1)} ms`,
    )
  for (const t of tls?.targets ?? []) say(`  ${targetLine(t)}`)

  say('')
  const pageRounds = Math.floor(env('BENCH_PAGE_ROUNDS', 10))
  say(
    `browsing through it: Chromium loads a local HTTPS nginx site, cold cache, direct vs through serve, ${pageRounds} interleaved rounds:`,
  )
  const pages =
    process.env.BENCH_SKIP_PAGES === '1'
      ? undefined
      : await pageLoadBench(pageRounds, (l) => say(`  ${l}`)).catch((e: unknown) => {
          say(`  skipped: ${(e as Error).message}`)
          return undefined
        })
  for (const t of pages?.targets ?? []) say(`  ${targetLine(t)}`)

  say('')
  say('HTTP/2 (h2load -c 4 -m 10 straight to an h2c upstream is the anchor):')
  const h2 =
    process.env.BENCH_SKIP_H2 === '1'
      ? undefined
      : await h2Bench({ durationS: load.durationS }).catch((e: unknown) => {
          say(`  skipped: ${(e as Error).message}`)
          return undefined
        })
  if (h2)
    say(
      `  direct ${h2.directReqPerS.toFixed(0)} req/s, through the proxy ${h2.proxiedReqPerS.toFixed(0)} req/s (best rounds); proxy CPU ${h2.proxyCpuUsPerReq.toFixed(0)} µs/req`,
    )
  if (h2)
    say(
      `  the floor (a bare node:http2 pass-through): ${h2.floor.reqPerS.toFixed(0)} req/s, ${h2.floor.ratio.toFixed(2)}× direct (median), CPU ${h2.floor.cpuUsPerReq.toFixed(0)} µs/req`,
    )
  for (const t of h2?.targets ?? []) say(`  ${targetLine(t)}`)

  say('')
  say('the UI in Chromium (synthetic exchanges pushed into the host at 5,000/s):')
  const ui =
    process.env.BENCH_SKIP_UI === '1'
      ? undefined
      : await uiBench((l) => say(`  ${l}`)).catch((e: unknown) => {
          say(`  skipped: ${(e as Error).message}`)
          return undefined
        })
  for (const t of ui?.targets ?? []) say(`  ${targetLine(t)}`)

  const seconds = (Date.now() - started) / 1000
  say('')
  say(`done in ${seconds.toFixed(0)} s; results in bench/results/latest.json`)

  const results = {
    when: new Date().toISOString(),
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model.trim(),
      memMiB: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      loadAverage: os.loadavg(),
    },
    arrangement: ARRANGEMENT,
    load: { ...load, warmupS, rounds, keepAlive: true },
    scenarios: scenarios.map((s) => ({ ...s, ...(pipelines[s.name] ? { pipeline: pipelines[s.name] } : {}) })),
    generator,
    cells,
    ...(pinned ? { singleConnection: pinned.single, origin: pinned.origin } : {}),
    deliveries,
    targets: [
      ...proxyTargets,
      ...(pinned?.targets ?? []),
      ...micro.targets,
      ...memoryTargets,
      ...(replay?.targets ?? []),
      ...(tls?.targets ?? []),
      ...(pages?.targets ?? []),
      ...(h2?.targets ?? []),
      ...(ui?.targets ?? []),
    ],
    replay,
    tls,
    pages,
    h2,
    ui,
    reference: { ...Object.fromEntries(info), paired: Object.fromEntries(anchors) },
    micro,
    memory,
    seconds,
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}latest.json`, `${JSON.stringify(results, null, 2)}\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error)
    process.exit(0) // benchmarks report; they do not gate
  },
)
