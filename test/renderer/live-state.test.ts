import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ChaosInfo, ListenerInfo, RecordingInfo, ReplayReportData, WebsocketFrame } from '../../shared/exchange.ts'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { activeChaos } from '../../renderer/src/store/chaos-slice.ts'
import type { ClockSocket } from '../../renderer/src/store/clock-slice.ts'
import { FRAME_CAP } from '../../renderer/src/store/frames-slice.ts'
import { activeRecordings } from '../../renderer/src/store/recording-slice.ts'
import { FakeTransport, summary, tick } from './fixtures.ts'

const proxy = (id: string, over: Partial<ListenerInfo> = {}): ListenerInfo => ({
  id,
  name: id,
  kind: 'proxy',
  mode: 'forward',
  host: '127.0.0.1',
  port: 8080,
  url: 'http://127.0.0.1:8080',
  httpsUpstream: false,
  pipeline: [],
  startedAt: 0,
  ...over,
})
const rec = (over: Partial<RecordingInfo> = {}): RecordingInfo => ({
  listenerId: 'l1',
  recording: false,
  count: 0,
  ...over,
})
const chaos = (over: Partial<ChaosInfo> = {}): ChaosInfo => ({
  listenerId: 'l1',
  active: false,
  description: 'none',
  stages: [],
  chaoticCount: 0,
  ...over,
})
const frame = (at: number, text = `t${at}`): WebsocketFrame => ({
  direction: 'server',
  at,
  opcode: 1,
  kind: 'text',
  fin: true,
  compressed: false,
  size: text.length,
  text,
  truncated: false,
})

async function started(transport = new FakeTransport(), options = {}) {
  const store = createAppStore(transport, options)
  store.getState().start()
  await tick()
  return { store, transport }
}

test('recording events switch the red dot on with a running count, and off again', async () => {
  const { store, transport } = await started()
  transport.emit('recording', rec({ recording: true, sessionId: 's1', count: 0 }))
  assert.deepEqual(
    activeRecordings(store.getState().recordings).map((r) => r.count),
    [0],
  )
  transport.emit('recording', rec({ recording: true, sessionId: 's1', count: 3 }))
  assert.equal(activeRecordings(store.getState().recordings)[0]?.count, 3)
  transport.emit('recording', rec({ recording: false, count: 3 }))
  assert.equal(activeRecordings(store.getState().recordings).length, 0)
})

test('a recording that stopped by itself keeps its reason until dismissed', async () => {
  const { store, transport } = await started()
  transport.emit('recording', rec({ stoppedBecause: 'disk full' }))
  assert.equal(store.getState().recordings.l1?.stoppedBecause, 'disk full')
  store.getState().dismissStop('l1')
  assert.deepEqual(store.getState().dismissedStops, ['l1\ndisk full'])
})

test('a snapshot fetches the recording and chaos state of each proxy, not of static or clock apps', async () => {
  const transport = new FakeTransport({
    getRecording: (a) => rec({ listenerId: (a as { listenerId: string }).listenerId, recording: true, count: 2 }),
    getChaos: (a) => ({
      chaos: chaos({ listenerId: (a as { listenerId: string }).listenerId, active: true }),
      presets: [{ id: 'p', label: 'P', stage: {} }],
    }),
  })
  transport.snapshot = {
    ...transport.snapshot,
    listeners: [proxy('l1'), proxy('c1', { kind: 'clock' }), proxy('s1', { kind: 'static' })],
  }
  const { store } = await started(transport)
  await tick()
  assert.deepEqual(Object.keys(store.getState().recordings), ['l1'])
  assert.deepEqual(Object.keys(store.getState().chaos), ['l1'])
  assert.equal(store.getState().chaosPresets.length, 1)
  assert.deepEqual(
    transport.calls
      .filter((c) => c.name === 'getRecording' || c.name === 'getChaos')
      .map((c) => (c.args as { listenerId: string }).listenerId),
    ['l1', 'l1'],
  )
})

test("a chaos event replaces that listener's state whole and leaves the others alone", async () => {
  const { store, transport } = await started()
  transport.emit('chaos', chaos({ listenerId: 'l1', active: true, description: 'Always Status 503', chaoticCount: 1 }))
  transport.emit('chaos', chaos({ listenerId: 'l2', active: true, description: 'Always Latency' }))
  transport.emit('chaos', chaos({ listenerId: 'l1', active: false, description: 'Always Status 503', chaoticCount: 4 }))
  const s = store.getState()
  assert.equal(s.chaos.l1?.active, false)
  assert.equal(s.chaos.l1?.chaoticCount, 4)
  assert.deepEqual(
    activeChaos(s.chaos).map((c) => c.listenerId),
    ['l2'],
  )
})

test('a chaos fetch that returns after a newer chaos event does not overwrite it', async () => {
  let answer: (v: unknown) => void = () => {}
  const transport = new FakeTransport({
    getChaos: () =>
      new Promise((r) => {
        answer = r
      }),
    getRecording: () => rec(),
  })
  const { store } = await started(transport)
  transport.emit('listeners', { listeners: [proxy('l1')] })
  transport.emit('chaos', chaos({ active: true, description: 'new' }))
  answer({ chaos: chaos({ active: false, description: 'old' }), presets: [] })
  await tick()
  assert.equal(store.getState().chaos.l1?.description, 'new')
})

test("a stopped listener's chaos and recording state is forgotten", async () => {
  const { store, transport } = await started(
    new FakeTransport({ getRecording: () => rec(), getChaos: () => ({ chaos: chaos(), presets: [] }) }),
  )
  transport.emit('listeners', { listeners: [proxy('l1')] })
  await tick()
  assert.ok(store.getState().chaos.l1 && store.getState().recordings.l1)
  transport.emit('listeners', { listeners: [] })
  assert.deepEqual(store.getState().chaos, {})
  assert.deepEqual(store.getState().recordings, {})
})

test("setChaos applies the host's answer and passes its error (naming the field) to the caller", async () => {
  const transport = new FakeTransport({
    setChaos: (a) => {
      const args = a as { stages?: unknown[] }
      if (args.stages && (args.stages[0] as { behaviour?: { status?: number } }).behaviour?.status === 999) {
        throw new Error('setChaos: $[0].behaviour.status: must be at most 599')
      }
      return chaos({ active: true, description: 'Always Status 503' })
    },
  })
  const { store } = await started(transport)
  await store.getState().setChaos('l1', { active: true })
  assert.equal(store.getState().chaos.l1?.active, true)
  await assert.rejects(
    store.getState().setChaos('l1', { stages: [{ type: 'trigger', behaviour: { type: 'status', status: 999 } }] }),
    /behaviour\.status/,
  )
})

test('sessions are listed when first asked for, then again on every sessions event', async () => {
  let n = 0
  const { store, transport } = await started(
    new FakeTransport({
      listSessions: () => {
        n++
        return []
      },
    }),
  )
  transport.emit('sessions', {})
  await tick()
  assert.equal(n, 0, 'no one asked yet')
  await store.getState().loadSessions()
  assert.equal(store.getState().sessionsLoad, 'ready')
  transport.emit('sessions', {})
  await tick()
  assert.equal(n, 2)
})

test('a failing session list is an error state, not a notice', async () => {
  const { store } = await started(
    new FakeTransport({
      listSessions: () => {
        throw new Error('EACCES')
      },
    }),
  )
  await store.getState().loadSessions()
  assert.equal(store.getState().sessionsLoad, 'error')
  assert.equal(store.getState().sessionsError, 'EACCES')
  assert.equal(store.getState().notices.length, 0)
})

const report: ReplayReportData = {
  speed: 'max',
  total: 3,
  counts: { same: 3, changed: 0, failed: 0, 'not-sent': 0 },
  results: [],
  latency: { recorded: { count: 3, p50: 1, p95: 2, max: 2 }, replayed: { count: 3, p50: 1, p95: 2, max: 2 } },
  elapsedMs: 5,
  ignoredHeaders: [],
}

test('replay progress moves forward for the running replay only, then the report completes it', async () => {
  let finish: (v: unknown) => void = () => {}
  const { store, transport } = await started(
    new FakeTransport({
      replaySession: () =>
        new Promise((r) => {
          finish = r
        }),
    }),
  )
  const done = store.getState().startReplay({ sessionId: 's1', listenerId: 'l1', speed: 'max' })
  assert.equal(store.getState().replay?.status, 'running')
  transport.emit('replayProgress', { sessionId: 's1', done: 2, total: 3 })
  transport.emit('replayProgress', { sessionId: 'other', done: 3, total: 3 })
  transport.emit('replayProgress', { sessionId: 's1', done: 1, total: 3 })
  assert.deepEqual([store.getState().replay?.done, store.getState().replay?.total], [2, 3])
  finish(report)
  await done
  const r = store.getState().replay
  assert.equal(r?.status, 'done')
  assert.equal(r?.done, 3)
  assert.equal(r?.report?.counts.same, 3)
  transport.emit('replayProgress', { sessionId: 's1', done: 1, total: 3 })
  assert.equal(store.getState().replay?.done, 3, 'late progress is ignored')
})

test('a failed replay keeps its progress and says why', async () => {
  const { store } = await started(
    new FakeTransport({
      replaySession: () => {
        throw new Error('replaySession: no session "x"')
      },
    }),
  )
  await store.getState().startReplay({ sessionId: 'x', listenerId: 'l1' })
  assert.equal(store.getState().replay?.status, 'failed')
  assert.match(store.getState().replay?.error ?? '', /no session/)
})

test('frames events are appended for the open exchange only', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1, { tags: ['websocket'] }), summary(2)] })
  transport.emit('frames', { exchangeId: 'x1', frames: [frame(1)] })
  assert.equal(store.getState().openFrames, undefined, 'nothing is open')
  store.getState().openDetail('x1')
  store.getState().loadFrames('x1', [frame(1), frame(2)], 0)
  transport.emit('frames', { exchangeId: 'x1', frames: [frame(3)] })
  transport.emit('frames', { exchangeId: 'x2', frames: [frame(9)] })
  assert.deepEqual(
    store.getState().openFrames?.frames.map((f) => f.at),
    [1, 2, 3],
  )
})

test('a fetched detail merges with live frames without doubling those it already holds', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1, { tags: ['websocket'] })] })
  store.getState().openDetail('x1')
  transport.emit('frames', { exchangeId: 'x1', frames: [frame(2), frame(3)] })
  store.getState().loadFrames('x1', [frame(1), frame(2)], 5)
  const open = store.getState().openFrames
  assert.deepEqual(
    open?.frames.map((f) => f.at),
    [1, 2, 3],
  )
  assert.equal(open?.hostDropped, 5)
})

test('frames beyond the cap drop the oldest and count them', async () => {
  const { store, transport } = await started()
  transport.emit('exchanges', { exchanges: [summary(1, { tags: ['websocket'] })] })
  store.getState().openDetail('x1')
  store.getState().loadFrames(
    'x1',
    Array.from({ length: FRAME_CAP }, (_, i) => frame(i)),
    0,
  )
  transport.emit('frames', { exchangeId: 'x1', frames: [frame(FRAME_CAP), frame(FRAME_CAP + 1)] })
  const open = store.getState().openFrames!
  assert.equal(open.frames.length, FRAME_CAP)
  assert.equal(open.frames[0]?.at, 2)
  assert.equal(open.frames.at(-1)?.at, FRAME_CAP + 1)
  assert.equal(open.localDropped, 2)
})

class FakeSocket implements ClockSocket {
  onopen: ClockSocket['onopen'] = null
  onmessage: ClockSocket['onmessage'] = null
  onclose: ClockSocket['onclose'] = null
  onerror: ClockSocket['onerror'] = null
  closed: number | undefined
  constructor(readonly url: string) {}
  close(code = 1005): void {
    this.closed = code
    this.onclose?.({ code, reason: '' })
  }
}

test('the clock connects to the url startClockDemo returns, lists ticks newest first, and disconnects', async () => {
  const sockets: FakeSocket[] = []
  let now = 1000
  const { store } = await started(
    new FakeTransport({
      startClockDemo: () => ({ url: 'ws://127.0.0.1:9/clock', clockListenerId: 'c', proxyListenerId: 'p' }),
    }),
    {
      clock: {
        createSocket: (url: string) => {
          const s = new FakeSocket(url)
          sockets.push(s)
          return s
        },
        now: () => now,
      },
    },
  )
  await store.getState().connectClock()
  assert.equal(sockets[0]?.url, 'ws://127.0.0.1:9/clock')
  assert.equal(store.getState().clockStatus, 'connecting')
  sockets[0]!.onopen?.({})
  sockets[0]!.onmessage?.({ data: '2024-01-01T00:00:00.000Z' })
  now = 2000
  sockets[0]!.onmessage?.({ data: '2024-01-01T00:00:01.000Z' })
  const s = store.getState()
  assert.equal(s.clockStatus, 'open')
  assert.deepEqual(
    s.clockTicks.map((t) => [t.at, t.payload]),
    [
      [2000, '2024-01-01T00:00:01.000Z'],
      [1000, '2024-01-01T00:00:00.000Z'],
    ],
  )
  store.getState().disconnectClock()
  assert.equal(sockets[0]!.closed, 1000)
  assert.equal(store.getState().clockStatus, 'closed')
})

test('a clock connection that drops says so with its close code', async () => {
  const sockets: FakeSocket[] = []
  const { store } = await started(
    new FakeTransport({ startClockDemo: () => ({ url: 'ws://x/clock', clockListenerId: 'c', proxyListenerId: 'p' }) }),
    {
      clock: {
        createSocket: (url: string) => {
          const s = new FakeSocket(url)
          sockets.push(s)
          return s
        },
      },
    },
  )
  await store.getState().connectClock()
  sockets[0]!.onclose?.({ code: 1006, reason: '' })
  assert.equal(store.getState().clockStatus, 'error')
  assert.match(store.getState().clockMessage ?? '', /1006/)
})
