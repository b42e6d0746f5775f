import { startServer } from '../../electron/core/server/node-server.ts'
import { response } from '../../electron/core/message.ts'
import { connectRaw, sleep, rawExchange } from './fixtures.ts'
const server = await startServer(async () => response(200, { body: 'ok' }), { headersTimeoutMs: 500 })
const s = await connectRaw(server.port)
const t0 = Date.now()
s.on('close', () => console.log('closed', Date.now() - t0))
const drip = setInterval(() => { if (!s.destroyed) s.write('X') }, 50)
s.write(`GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: `)
if (process.argv[2]) { const r = await rawExchange(server.port, process.argv[2] === 'close' ? 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' : 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { ms: 300 }); console.log('served', r.received.length, r.closed); r.socket.destroy() }
await sleep(2000)
clearInterval(drip); s.destroy(); await server.stop()
