import { startAttackedProxy, rawExchange, tcpServer, sleep, connectRaw, collect } from './fixtures.ts'
const p = await startAttackedProxy({ upstreamTimeoutMs: 500 })
const upstreams = {
  garbageStatus: (s: any) => s.once('data', () => s.end('HELLO WORLD\r\n\r\n')),
  truncated: (s: any) => s.once('data', () => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc'); setTimeout(() => s.end(), 50) }),
  resetAfterHead: (s: any) => s.once('data', () => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'); setTimeout(() => s.resetAndDestroy(), 50) }),
  neverAnswers: (_s: any) => {},
  neverEnds: (s: any) => s.once('data', () => { s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'); const iv = setInterval(() => s.destroyed ? clearInterval(iv) : s.write('1\r\nx\r\n'), 50) }),
  badHeader: (s: any) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok')),
  hugeHeader: (s: any) => s.once('data', () => s.end(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70000)}\r\nContent-Length: 2\r\n\r\nok`)),
  clte: (s: any) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')),
  badStatus: (s: any) => s.once('data', () => s.end('HTTP/1.1 99999 Weird\r\nContent-Length: 2\r\n\r\nok')),
  status1xxOnly: (s: any) => s.once('data', () => s.end('HTTP/1.1 100 Continue\r\n\r\n')),
}
for (const [name, on] of Object.entries(upstreams)) {
  const up = await tcpServer(on as any)
  const t = Date.now()
  const r = await rawExchange(p.port, `GET ${up.url}/${name} HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\n\r\n`, { ms: 1500 })
  console.log(name, Date.now() - t, 'ms closed', r.closed, JSON.stringify(r.received.toString('latin1').slice(0, 300)))
  r.socket.destroy()
  await sleep(100)
  await up.close()
  await p.assertStillServes()
}
await sleep(300)
for (const s of p.hub.summaries()) console.log(s.method, s.url.slice(0, 60), JSON.stringify(s.outcome), s.status)
await p.stop()
