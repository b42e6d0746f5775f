// The replay report's words and counts at their edges: every request answered, nothing answered and no reason
// given, a stopped run's unsent requests, a stream cut by --limit, a progress listener that throws, and a target
// written with trailing slashes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { response } from '../../electron/core/message.ts'
import { formatReport, rebaser, replay, type ReplayReport } from '../../electron/recording/replay.ts'
import { exchange } from './support.ts'

const ok = async () => response(200, { headers: [['Content-Type', 'text/plain']], body: 'hello' })

const none = { count: 0, p50: 0, p95: 0, max: 0 }

test('a replay where every request was answered gives its latency line without counting the answered', async () => {
  const report = await replay([exchange(), exchange()], { send: ok, clock: fixedClock(), speed: Infinity })
  const lines = formatReport(report).split('\n')
  assert.equal(lines[3], 'latency p50/p95/max: recorded 5/5/5 ms, replayed 0/0/0 ms')
})

test('a report whose requests all failed without a reason says there was no answer', () => {
  const report: ReplayReport = {
    speed: 'max',
    total: 1,
    counts: { same: 0, changed: 0, failed: 1, 'not-sent': 0 },
    results: [
      {
        index: 0,
        method: 'GET',
        url: 'http://h.test/',
        outcome: 'failed',
        recordedStatus: 200,
        statusChanged: true,
        headers: [],
        recordedMs: 5,
        tags: [],
      },
    ],
    latency: { recorded: { count: 1, p50: 5, p95: 5, max: 5 }, replayed: none },
    elapsedMs: 3,
    ignoredHeaders: ['date'],
  }
  assert.equal(
    formatReport(report),
    [
      '#1 GET http://h.test/ → ---: failed: ',
      '1 requests: 0 same, 0 changed, 1 failed, 0 not sent (3 ms, speed max)',
      'every request failed, so there is no latency to compare; the first: no answer',
      'not compared: date',
      '',
    ].join('\n'),
  )
  const unsent = { ...report.results[0]!, outcome: 'not-sent' as const, statusChanged: false }
  assert.equal(formatReport({ ...report, results: [unsent] }).split('\n')[0], '#1 GET http://h.test/ → ---: not sent: ')
  const first = { ...unsent, error: 'the replay was stopped' }
  const second = { ...report.results[0]!, index: 1, error: 'the upstream refused the connection' }
  assert.match(
    formatReport({ ...report, total: 2, results: [first, second] }),
    /^every request failed, so there is no latency to compare; the first: the replay was stopped$/m,
    'the first failure is the first result, whether not sent or failed',
  )
})

test('a request a stopped replay did not send is reported whole: not sent, its recorded status, no change, the reason', async () => {
  const stop = new AbortController()
  stop.abort()
  const report = await replay([exchange({ method: 'PUT', url: 'http://h.test/x', status: 201, durationMs: 7 })], {
    send: ok,
    clock: fixedClock(),
    signal: stop.signal,
    target: 'http://new.test:81/base/',
  })
  assert.deepEqual(report.results, [
    {
      index: 0,
      method: 'PUT',
      url: 'http://new.test:81/base/x',
      outcome: 'not-sent',
      recordedStatus: 201,
      statusChanged: false,
      headers: [],
      recordedMs: 7,
      tags: [],
      error: 'the replay was stopped',
    },
  ])
})

test('a stream replayed with a limit counts progress against what was taken, not the record read past the limit', async () => {
  async function* stream() {
    for (let i = 1; i <= 4; i++) yield exchange({ url: `http://h.test/${i}` })
  }
  const progress: Array<[number, number]> = []
  const report = await replay(stream(), {
    send: ok,
    clock: fixedClock(),
    speed: Infinity,
    limit: 2,
    onProgress: (p) => progress.push([p.done, p.total]),
  })
  assert.equal(report.total, 2)
  assert.deepEqual(progress, [
    [1, 2],
    [2, 2],
  ])
})

test('a progress listener that throws fails the replay with its error, after every request was still sent', async () => {
  const sent: string[] = []
  await assert.rejects(
    replay([exchange({ url: 'http://h.test/1' }), exchange({ url: 'http://h.test/2' })], {
      send: async (req) => {
        sent.push(req.target)
        return ok()
      },
      clock: fixedClock(),
      speed: Infinity,
      onProgress: () => {
        throw new Error('the progress bar broke')
      },
    }),
    { message: 'the progress bar broke' },
  )
  assert.deepEqual(sent, ['http://h.test/1', 'http://h.test/2'])
})

test('a replay target written with trailing slashes puts the recorded path right under its path', () => {
  assert.equal(rebaser('http://new.test:81/base//')('http://old.test/a?b=1'), 'http://new.test:81/base/a?b=1')
  assert.equal(rebaser('https://new.test///')('http://old.test/a'), 'https://new.test/a')
})
