/**
 * Two floors for the latency a proxy written in Node adds, run as their own process like the bench's other proxies:
 *
 * - `relay`: one upstream connection per client connection and the bytes copied both ways, nothing parsed: what
 *   Node's event loop and the sockets cost (on this machine it adds what nginx adds);
 * - `parsed`: the same, with each request and response read by llhttp (the parser Nanoscope's adapters use) and
 *   its head written again from what was parsed: the least an HTTP proxy in Node can do.
 *
 * Neither is a proxy anyone should use (no pooling, no errors answered, GET heads only): they are yardsticks for
 * `bench/latency-floor.ts`. argv: `<relay|parsed> <upstream URL>`; tells its parent `{ port }`; exits when the parent
 * disconnects.
 */
import net from 'node:net'
import { ownedParser } from '../electron/core/wire/parser-owner.ts'

const [mode = 'relay', upstream = ''] = process.argv.slice(2)
const { hostname, port } = new URL(upstream)

function relay(client: net.Socket, origin: net.Socket): void {
  client.on('data', (chunk: Buffer) => origin.write(chunk))
  origin.on('data', (chunk: Buffer) => client.write(chunk))
}

function parsed(client: net.Socket, origin: net.Socket): void {
  let head = ''
  const requests = ownedParser('request', {
    headers() {},
    headersComplete(_major, _minor, raw, _method, url) {
      let text = `GET ${url} HTTP/1.1\r\n`
      for (let i = 0; raw && i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`
      origin.write(`${text}\r\n`, 'latin1')
      return 0
    },
    body() {},
    messageComplete() {},
  })
  const responses = ownedParser('response', {
    headers() {},
    headersComplete(_major, _minor, raw, _method, _url, status, reason) {
      let text = `HTTP/1.1 ${status} ${reason}\r\n`
      for (let i = 0; raw && i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`
      head = `${text}\r\n`
      return 0
    },
    body(chunk: Buffer) {
      client.cork()
      if (head) client.write(head, 'latin1')
      head = ''
      client.write(chunk)
      client.uncork()
    },
    messageComplete() {},
  })
  client.on('data', (chunk: Buffer) => requests.execute(chunk))
  origin.on('data', (chunk: Buffer) => responses.execute(chunk))
}

const server = net.createServer((client) => {
  const origin = net.connect(Number(port), hostname)
  for (const socket of [client, origin]) {
    socket.setNoDelay(true)
    socket.on('error', () => {})
  }
  client.on('close', () => origin.destroy())
  origin.on('close', () => client.destroy())
  if (mode === 'parsed') parsed(client, origin)
  else relay(client, origin)
})
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as net.AddressInfo).port }))
process.on('disconnect', () => process.exit(0))
