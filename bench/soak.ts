/**
 * The soak: mixed traffic through a capturing proxy (the Host, with a subscriber like a window) for a bounded
 * time, then checks that memory and open sockets are flat. Prints PASS or FAIL with the figures; exits 1 on FAIL.
 *
 *   node --expose-gc --import tsx bench/soak.ts          (10 minutes)
 *   SOAK_SECONDS=30 node --expose-gc --import tsx bench/soak.ts
 *
 * Traffic mix per worker loop: small GETs, 64 KiB POST echoes, chunked streams, responses the client abandons
 * half-way, upstream resets, a closed port (502), CONNECT tunnels, and slow answers. The store is bounded low
 * (MAX_EXCHANGES) so it reaches its steady state early; after a warm-up, RSS must not keep climbing, and once
 * traffic stops the process must be back to the sockets it had before it started.
 */
import http from 'node:http'
import net from 'node:net'
import { readdirSync } from 'node:fs'
import { Host } from '../electron/host/host.ts'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600)
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8)
const MAX_EXCHANGES = 1_000
const SAMPLE_EVERY_MS = Math.min(5_000, Math.max(500, (SECONDS * 1000) / 40))
/** RSS may grow this much from the end of warm-up to the end before it counts as a leak. */
const RSS_SLACK_MB = 40
const RSS_SLACK_RATIO = 0.25
/** Descriptors allowed above the pre-traffic count once traffic has stopped and pools are closed. */
const FD_SLACK = 8
const KEEP_ALIVE_WIND_DOWN_MS = 6_500

const gc = (globalThis as { gc?: () => void }).gc
const openFds = (): number => {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return -1
  }
}
const tcpHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length
const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function startUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const blob = Buffer.alloc(64 * 1024, 'x')
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    req.on('error', () => {})
    if (path.startsWith('/echo')) {
      res.writeHead(200, { 'Content-Length': req.headers['content-length'] ?? '0' })
      req.pipe(res)
      return
    }
    req.resume()
    if (path.startsWith('/blob')) {
      res.end(blob)
      return
    }
    if (path.startsWith('/stream')) {
      let left = 20
      const tick = setInterval(() => {
        if (left-- > 0 && !res.destroyed) res.write('chunk\n')
        else {
          clearInterval(tick)
          res.end()
        }
      }, 5)
      res.on('close', () => clearInterval(tick))
      return
    }
    if (path.startsWith('/reset')) {
      res.writeHead(200, { 'Content-Length': '100' })
      res.write('partial')
      setTimeout(() => res.socket?.destroy(), 5)
      return
    }
    if (path.startsWith('/slow')) {
      const t = setTimeout(() => res.end('late'), 200)
      res.on('close', () => clearTimeout(t))
      return
    }
    res.end('ok')
  })
  const sockets = new Set<net.Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
    s.once('close', () => sockets.delete(s))
    s.pipe(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

interface Counts {
  exchanges: number
  ok: number
  generated: number
  abandoned: number
  errors: number
  tunnels: number
}

function viaProxy(
  agent: http.Agent,
  proxyPort: number,
  url: string,
  options: { method?: string; body?: Buffer; abandonAfterMs?: number } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        path: url,
        method: options.method ?? 'GET',
        agent,
        headers: { Host: new URL(url).host },
      },
      (res) => {
        if (options.abandonAfterMs !== undefined) {
          setTimeout(() => {
            req.destroy()
            resolve(-1)
          }, options.abandonAfterMs)
          res.resume()
          return
        }
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(0))
        res.on('aborted', () => resolve(0))
      },
    )
    req.setTimeout(10_000, () => req.destroy())
    req.on('error', () => resolve(0))
    req.end(options.body)
  })
}

function tunnel(proxyPort: number, echoPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(proxyPort, '127.0.0.1')
    let got = ''
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(5000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('data', (d) => {
      got += d.toString('latin1')
      if (got.startsWith('HTTP/1.1 200') && got.includes('\r\n\r\n') && !got.includes('ping')) socket.write('ping')
      if (got.endsWith('ping')) done(true)
    })
    socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\n`)
  })
}

async function worker(
  id: number,
  until: number,
  proxyPort: number,
  ports: { up: number; echo: number; closed: number },
  counts: Counts,
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 })
  const up = `http://127.0.0.1:${ports.up}`
  const body = Buffer.alloc(64 * 1024, id)
  let i = 0
  try {
    while (Date.now() < until) {
      i += 1
      const kind = i % 10
      let status: number
      if (kind === 9) {
        counts.tunnels += 1
        status = (await tunnel(proxyPort, ports.echo)) ? 200 : 0
      } else {
        const [url, options] = (
          [
            [`${up}/small/${i}`, {}],
            [`${up}/echo/${i}`, { method: 'POST', body }],
            [`${up}/blob/${i}`, {}],
            [`${up}/stream/${i}`, {}],
            [`${up}/stream/${i}`, { abandonAfterMs: 20 }],
            [`${up}/reset/${i}`, {}],
            [`http://127.0.0.1:${ports.closed}/refused/${i}`, {}],
            [`${up}/slow/${i}`, {}],
            [`${up}/small/${i}`, { method: 'HEAD' }],
          ] as const
        )[kind]!
        status = await viaProxy(agent, proxyPort, url, options)
      }
      counts.exchanges += 1
      if (status === 200) counts.ok += 1
      else if (status === 502 || status === 504) counts.generated += 1
      else if (status === -1) counts.abandoned += 1
      else if (kind === 5 && status === 0)
        counts.generated += 1 // the cut-off body is the expected outcome
      else counts.errors += 1
    }
  } finally {
    agent.destroy()
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

async function main(): Promise<void> {
  const upstream = await startUpstream()
  const echo = await startEcho()
  const ports = { up: upstream.port, echo: echo.port, closed: await closedPort() }
  const host = new Host({ settings: { maxExchanges: MAX_EXCHANGES, maxTotalBodyBytes: 64 * 1024 * 1024 } })
  let delivered = 0
  const connection = host.connectWindow((name, payload) => {
    if (name === 'exchanges') delivered += (payload as { exchanges: unknown[] }).exchanges.length
  })
  await connection.dispatch('subscribe', {})
  const listener = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })

  gc?.()
  await sleep(200)
  const before = { fds: openFds(), tcp: tcpHandles(), rss: rssMb() }
  const started = Date.now()
  const until = started + SECONDS * 1000
  const warmUpEnds = started + Math.max(5_000, SECONDS * 1000 * 0.2)
  const counts: Counts = { exchanges: 0, ok: 0, generated: 0, abandoned: 0, errors: 0, tunnels: 0 }
  const samples: Array<{ t: number; rss: number; fds: number; tcp: number; stored: number }> = []
  const sampler = setInterval(() => {
    gc?.()
    samples.push({
      t: Date.now() - started,
      rss: rssMb(),
      fds: openFds(),
      tcp: tcpHandles(),
      stored: host.hub.store.size,
    })
    const last = samples.at(-1)!
    process.stdout.write(
      `  ${(last.t / 1000).toFixed(0)}s rss ${last.rss.toFixed(1)} MB, fds ${last.fds}, tcp ${last.tcp}, stored ${last.stored}, exchanges ${counts.exchanges}\n`,
    )
  }, SAMPLE_EVERY_MS)

  process.stdout.write(
    `soak: ${SECONDS}s, ${WORKERS} workers through ${listener.url} (capture on, one subscriber, store bound ${MAX_EXCHANGES})\n`,
  )
  await Promise.all(Array.from({ length: WORKERS }, (_, id) => worker(id, until, listener.port, ports, counts)))
  clearInterval(sampler)

  // Idle keep-alive connections (client → proxy, proxy → upstream) close after Node's 5 s keepAliveTimeout.
  await sleep(KEEP_ALIVE_WIND_DOWN_MS)
  gc?.()
  await sleep(200)
  const afterTraffic = { fds: openFds(), tcp: tcpHandles(), rss: rssMb() }

  const steady = samples.filter((s) => s.t >= warmUpEnds - started)
  const window = Math.max(1, Math.floor(steady.length / 4))
  const early = median(steady.slice(0, window).map((s) => s.rss))
  const late = median(steady.slice(-window).map((s) => s.rss))
  const growth = late - early
  const problems: string[] = []
  if (steady.length < 2) problems.push('too few samples after warm-up: run longer (SOAK_SECONDS)')
  if (growth > RSS_SLACK_MB && growth > early * RSS_SLACK_RATIO)
    problems.push(`RSS grew ${growth.toFixed(1)} MB after warm-up (${early.toFixed(1)} → ${late.toFixed(1)} MB)`)
  if (before.fds >= 0 && afterTraffic.fds > before.fds + FD_SLACK)
    problems.push(`${afterTraffic.fds - before.fds} file descriptors more than before the traffic`)
  if (afterTraffic.tcp > before.tcp + FD_SLACK)
    problems.push(`${afterTraffic.tcp - before.tcp} TCP handles more than before the traffic`)
  if (host.hub.store.size > MAX_EXCHANGES)
    problems.push(`the store holds ${host.hub.store.size}, above its bound ${MAX_EXCHANGES}`)
  if (counts.errors > 0) problems.push(`${counts.errors} exchanges failed in a way the mix did not intend`)
  if (counts.exchanges === 0 || delivered === 0) problems.push('no traffic reached the subscriber')

  connection.close()
  await host.stop()
  host.hub.close()
  await upstream.close()
  await echo.close()

  const figures = {
    seconds: SECONDS,
    workers: WORKERS,
    ...counts,
    deliveredToSubscriber: delivered,
    rssMb: {
      before: +before.rss.toFixed(1),
      afterWarmUp: +early.toFixed(1),
      end: +late.toFixed(1),
      growth: +growth.toFixed(1),
    },
    fds: { before: before.fds, afterTraffic: afterTraffic.fds },
    tcpHandles: { before: before.tcp, afterTraffic: afterTraffic.tcp },
    gc: gc ? 'forced before each sample' : 'not exposed (run with --expose-gc for steadier figures)',
  }
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`)
  if (problems.length > 0) {
    process.stdout.write(`FAIL\n${problems.map((p) => `  - ${p}`).join('\n')}\n`)
    process.exit(1)
  }
  process.stdout.write('PASS\n')
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stdout.write(`FAIL\n  - the soak itself crashed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
