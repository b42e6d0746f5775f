import { startAttackedProxy, rawExchange, connectRaw, collect, sleep, closedPort } from './fixtures.ts'
const p = await startAttackedProxy({ headersTimeoutMs: 500, upstreamTimeoutMs: 500 })
const up = p.healthy.url
const h = `Host: 127.0.0.1:${p.healthy.port}\r\n`
const cases: Record<string, string | Buffer> = {
  garbage: Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]),
  longLine: `GET ${up}/${'a'.repeat(9000)} HTTP/1.1\r\n${h}Connection: close\r\n\r\n`,
  longLine20k: `GET ${up}/${'a'.repeat(20000)} HTTP/1.1\r\n${h}Connection: close\r\n\r\n`,
  manyHeaders: `GET ${up}/ HTTP/1.1\r\n${h}${'a: b\r\n'.repeat(10000)}\r\n`,
  bigHeader: `GET ${up}/ HTTP/1.1\r\n${h}X: ${'a'.repeat(70000)}\r\n\r\n`,
  badName: `GET ${up}/ HTTP/1.1\r\n${h}Bad Name: x\r\n\r\n`,
  badName2: `GET ${up}/ HTTP/1.1\r\n${h}B@d(): x\r\n\r\n`,
  clte: `POST ${up}/ HTTP/1.1\r\n${h}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  clcl: `POST ${up}/ HTTP/1.1\r\n${h}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`,
  badChunk: `POST ${up}/ HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
  notUrl: `GET foo HTTP/1.1\r\n${h}Connection: close\r\n\r\n`,
  notUrl2: `GET http://[::1 HTTP/1.1\r\n${h}Connection: close\r\n\r\n`,
  connectClosed: `CONNECT 127.0.0.1:${await closedPort()} HTTP/1.1\r\nHost: x\r\n\r\n`,
}
for (const [name, bytes] of Object.entries(cases)) {
  const t = Date.now()
  const r = await rawExchange(p.port, bytes, { ms: 3000 })
  console.log(name, Date.now() - t, 'ms closed', r.closed, JSON.stringify(r.received.toString('latin1').slice(0, 300)))
  r.socket.destroy()
  await p.assertStillServes()
}
// short body then close
{
  const s = await connectRaw(p.port)
  s.write(`POST ${up}/short HTTP/1.1\r\n${h}Content-Length: 100\r\n\r\nabc`)
  await sleep(100); s.destroy(); await sleep(100)
  await p.assertStillServes()
}
// half-sent
{
  const s = await connectRaw(p.port)
  s.write(`GET ${up}/half HTTP/1.1\r\nHo`)
  await sleep(100); s.destroy(); await sleep(100)
  await p.assertStillServes()
}
// slowloris
{
  const s = await connectRaw(p.port)
  const c = collect(s, 3000)
  const t = Date.now()
  const msg = `GET ${up}/slow HTTP/1.1\r\n${h}X-Slow: ${'a'.repeat(100)}\r\n\r\n`
  let i = 0
  const iv = setInterval(() => { if (!s.destroyed) s.write(msg[i++] ?? ''); }, 100)
  const r = await c
  clearInterval(iv)
  console.log('slowloris', Date.now() - t, r.closed, JSON.stringify(r.received.toString().slice(0, 200)))
}
await sleep(300)
for (const s of p.hub.summaries()) console.log(s.method, s.url.slice(0, 60), JSON.stringify(s.outcome), s.status)
await p.stop()
