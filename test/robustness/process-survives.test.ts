/**
 * The most dangerous attacks run against a real `nanoscope proxy` process (no test runner's exception handlers to
 * hide a crash): fast-check generates hostile requests and hostile upstream answers while a steady stream of
 * normal requests goes through the same proxy. The process must stay up, print nothing on stderr, answer every
 * normal request, and still exit 0 on SIGTERM.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type net from 'node:net'
import { listeningUrl, runCli, type CliProcess } from '../support/cli-process.ts'
import { httpUpstream } from '../core/server/net-fixtures.ts'
import { connectRaw, rawExchange, sleep, tcpServer, within } from './fixtures.ts'
import { hostileRequest, hostileResponse, type UpstreamEnding } from './wire-fuzz.ts'

const REQUEST_RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const UPSTREAM_RUNS = Number(process.env.FUZZ_RUNS ?? 100)
/** How long the fuzzing client waits for an answer before it gives up and hangs up. */
const CLIENT_PATIENCE_MS = 250

async function startProxyProcess(): Promise<{ cli: CliProcess; port: number }> {
  const cli = runCli(['proxy', '--port', '0'])
  const port = Number(new URL(listeningUrl(await cli.firstLine())).port)
  return { cli, port }
}

/** Sends normal requests one after another until stopped, counting the ones that did not come back 200 `ok`. */
function steadyTraffic(proxyPort: number, upstreamUrl: string, upstreamPort: number) {
  let running = true
  const counts = { sent: 0, lost: 0, lastFailure: '' }
  const done = (async () => {
    while (running) {
      counts.sent += 1
      const { received, socket } = await rawExchange(
        proxyPort,
        `GET ${upstreamUrl}/normal/${counts.sent} HTTP/1.1\r\nHost: 127.0.0.1:${upstreamPort}\r\nConnection: close\r\n\r\n`,
        { ms: 3000 },
      )
      socket.destroy()
      const text = received.toString('latin1')
      if (!/^HTTP\/1\.1 200 OK\r\n/.test(text) || !text.endsWith('\r\n\r\nok')) {
        counts.lost += 1
        counts.lastFailure = text.slice(0, 200) || '(nothing)'
      }
      await sleep(5)
    }
  })()
  return {
    counts,
    stop: async () => {
      running = false
      await done
    },
  }
}

/**
 * Writes the bytes, maybe half-closes, and reads until the proxy closes, goes quiet for a moment after
 * answering, or patience runs out; then hangs up.
 */
async function fire(port: number, bytes: Buffer, halfClose: boolean): Promise<void> {
  const socket = await connectRaw(port)
  await new Promise<void>((resolve) => {
    let quiet: NodeJS.Timeout | undefined
    const patience = setTimeout(done, CLIENT_PATIENCE_MS)
    function done(): void {
      clearTimeout(patience)
      clearTimeout(quiet)
      resolve()
    }
    socket.on('error', () => {})
    socket.on('data', () => {
      clearTimeout(quiet)
      quiet = setTimeout(done, 25)
    })
    socket.once('close', done)
    socket.write(bytes)
    if (halfClose) socket.end()
  })
  socket.destroy()
}

test(`a proxy process survives ${REQUEST_RUNS} hostile requests and ${UPSTREAM_RUNS} hostile upstream answers without losing a normal exchange`, async (t) => {
  const healthy = await httpUpstream((_req, res) => res.end('ok'))
  let next: { bytes: Buffer; ending: UpstreamEnding } = { bytes: Buffer.alloc(0), ending: 'end' }
  const hostileSockets = new Set<net.Socket>()
  const hostile = await tcpServer((socket) => {
    hostileSockets.add(socket)
    socket.once('close', () => hostileSockets.delete(socket))
    let head = ''
    const reply = next
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      socket.resume()
      socket.write(reply.bytes)
      if (reply.ending === 'end') socket.end()
      else if (reply.ending === 'destroy') socket.destroy()
      else if (reply.ending === 'reset') socket.resetAndDestroy()
    })
  })
  const { cli, port } = await startProxyProcess()
  t.after(async () => {
    await cli.stop('SIGKILL')
    await hostile.close()
    await healthy.close()
  })
  const traffic = steadyTraffic(port, healthy.url, healthy.port)
  let requestsTried = 0
  let answersTried = 0
  try {
    await fc.assert(
      fc.asyncProperty(
        hostileRequest({ url: healthy.url, host: `127.0.0.1:${healthy.port}` }, `127.0.0.1:${port}`),
        fc.boolean(),
        async (bytes, halfClose) => {
          requestsTried += 1
          await fire(port, bytes, halfClose)
          assert.equal(cli.child.exitCode, null, `the proxy process exited; stderr: ${cli.stderr()}`)
        },
      ),
      { numRuns: REQUEST_RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9), endOnFailure: true },
    )

    await fc.assert(
      fc.asyncProperty(hostileResponse(), async (answer) => {
        answersTried += 1
        next = answer
        await fire(
          port,
          Buffer.from(`GET ${hostile.url}/fuzz/${answersTried} HTTP/1.1\r\nHost: 127.0.0.1:${hostile.port}\r\n\r\n`),
          false,
        )
        assert.equal(cli.child.exitCode, null, `the proxy process exited; stderr: ${cli.stderr()}`)
      }),
      { numRuns: UPSTREAM_RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9), endOnFailure: true },
    )
  } finally {
    await traffic.stop()
  }

  assert.equal(
    traffic.counts.lost,
    0,
    `normal exchanges lost: ${traffic.counts.lost} of ${traffic.counts.sent}; last: ${traffic.counts.lastFailure}`,
  )
  assert.ok(traffic.counts.sent > 10, 'normal traffic kept flowing during the attack')
  await within(
    3000,
    (async () => {
      while (hostileSockets.size > 0) await sleep(10)
    })(),
    'the proxy to let go of every hostile upstream socket',
  )
  assert.equal(cli.stderr(), '', 'nothing was printed on stderr')
  t.diagnostic(
    `hostile requests: ${requestsTried}, hostile upstream answers: ${answersTried}, normal exchanges: ${traffic.counts.sent}, lost: ${traffic.counts.lost}`,
  )
  assert.equal(await cli.stop('SIGTERM'), 0, 'and it still shuts down cleanly')
})

test('a non-loopback --host prints a warning on stderr that anyone who can reach it can use the proxy', async (t) => {
  const cli = runCli(['proxy', '--host', '0.0.0.0', '--port', '0'])
  t.after(() => cli.stop('SIGKILL'))
  assert.match(await cli.firstLine(), /^nanoscope proxy listening on http:\/\/0\.0\.0\.0:\d+$/)
  await within(
    5000,
    (async () => {
      while (!cli.stderr().includes('\n')) await sleep(10)
    })(),
    'the warning',
  )
  assert.equal(
    cli.stderr(),
    'warning: listening on 0.0.0.0, which is reachable from other machines; anyone who can reach it can use this proxy\n',
  )
  await sleep(150)
  assert.equal(await cli.stop('SIGTERM'), 0)
})

test('the default and explicit loopback binds print no warning', async (t) => {
  for (const args of [[], ['--host', '127.0.0.1'], ['--host', 'localhost']]) {
    const cli = runCli(['proxy', ...args, '--port', '0'])
    t.after(() => cli.stop('SIGKILL'))
    const first = await cli.firstLine()
    assert.match(first, /listening on http:\/\/(127\.0\.0\.1|localhost):\d+$/)
    await sleep(150) // the CLI installs its SIGTERM handler just after printing that line
    assert.equal(await cli.stop('SIGTERM'), 0)
    assert.equal(cli.stderr(), '', `no warning for ${args.join(' ') || 'the default'}`)
  }
})
