import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveBuiltFile } from '../../electron/web/built-files.ts'

/**
 * Sends a keep-alive GET and waits (at most `ms`) for the server to close the connection; resolves with what arrived
 * and whether it was closed.
 */
function keepAliveGet(port: number, path: string, ms: number): Promise<{ received: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ received, closed: false })
    }, ms)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ received, closed: true })
    })
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`))
  })
}

test('a UI file that fails while it is read ends the connection, rather than leave the browser waiting on it', {
  skip: process.platform !== 'linux' && 'needs /proc/self/mem, a file whose read fails',
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-built-failing-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'index.html'), '<p>ui</p>')
  // A regular file to stat, whose first read fails with EIO (address 0 of this process is not mapped).
  symlinkSync('/proc/self/mem', join(dir, 'broken.js'))
  const server = http.createServer((req, res) => serveBuiltFile(dir, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const port = (server.address() as { port: number }).port
  const failing = await keepAliveGet(port, '/broken.js', 2000)
  assert.equal(failing.closed, true, 'the connection was closed')
  const fine = await keepAliveGet(port, '/', 300)
  assert.equal(fine.closed, false, 'a file that reads well leaves the connection open for the next request')
  assert.match(fine.received, /\r\n\r\n<p>ui<\/p>$/)
})
