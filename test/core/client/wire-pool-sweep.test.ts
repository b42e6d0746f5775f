import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { IDLE_MS, RETRYABLE_IDLE_MS, WirePool } from '../../../electron/core/client/wire-pool.ts'
import { tcpServer, within } from '../server/net-fixtures.ts'

test('the pool closes a connection left idle past RETRYABLE_IDLE_MS by itself, and keeps it before', async () => {
  const server = await tcpServer(() => {})
  const pool = new WirePool({ rejectUnauthorized: true })
  try {
    const connection = pool.acquire({
      secure: false,
      host: '127.0.0.1',
      port: server.port,
      key: `http://127.0.0.1:${server.port}`,
    })
    await within(2000, new Promise((resolve) => connection.socket.once('connect', resolve)), 'the connection')
    // The clock and the sweep's interval are the test's from here: no waiting for real seconds.
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 })
    pool.idle(connection)
    for (let swept = IDLE_MS; swept <= RETRYABLE_IDLE_MS; swept += IDLE_MS) {
      mock.timers.tick(IDLE_MS)
      assert.equal(connection.socket.destroyed, false, `still kept after ${swept} ms idle`)
    }
    mock.timers.tick(IDLE_MS)
    assert.equal(connection.socket.destroyed, true, `closed after ${RETRYABLE_IDLE_MS + IDLE_MS} ms idle`)
  } finally {
    mock.timers.reset()
    pool.close()
    await server.close()
  }
})

test('a connection idle for exactly RETRYABLE_IDLE_MS when the sweep comes is still kept', async () => {
  const server = await tcpServer(() => {})
  const pool = new WirePool({ rejectUnauthorized: true })
  const origin = { secure: false, host: '127.0.0.1', port: server.port, key: `http://127.0.0.1:${server.port}` }
  try {
    const [first, second] = [pool.acquire(origin), pool.acquire(origin)]
    await within(
      2000,
      Promise.all([first, second].map((c) => new Promise((resolve) => c!.socket.once('connect', resolve)))),
      'the connections',
    )
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 })
    pool.idle(first!) // starts the sweep: it comes every IDLE_MS from now
    mock.timers.tick(IDLE_MS / 2)
    pool.idle(second!) // half a sweep later: some sweep finds it idle for exactly RETRYABLE_IDLE_MS
    mock.timers.tick(IDLE_MS / 2)
    for (let idleFor = IDLE_MS / 2; idleFor < RETRYABLE_IDLE_MS; idleFor += IDLE_MS) mock.timers.tick(IDLE_MS)
    assert.equal(Date.now() - second!.idleSince, RETRYABLE_IDLE_MS)
    assert.equal(first!.socket.destroyed, true, 'the one idle for longer is closed')
    assert.equal(second!.socket.destroyed, false)
  } finally {
    mock.timers.reset()
    pool.close()
    await server.close()
  }
})
