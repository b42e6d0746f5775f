import { readdirSync, readlinkSync } from 'node:fs'
import net from 'node:net'

/** The files under `dir` that process `pid` holds open, read from /proc (Linux), one entry per descriptor. */
export function openFilesUnder(dir: string, pid: number | 'self' = 'self'): string[] {
  const fds = `/proc/${pid}/fd`
  const held: string[] = []
  for (const fd of readdirSync(fds)) {
    try {
      const target = readlinkSync(`${fds}/${fd}`)
      if (target.startsWith(dir)) held.push(target)
    } catch {
      // closed between the listing and the read
    }
  }
  return held
}

/** Sends a request and drops the connection once `after` happens: the first response bytes, or at once. */
export function abortedRequest(
  port: number,
  request: string,
  after: 'first-bytes' | 'at-once',
  timeoutMs = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no response bytes within ${timeoutMs} ms`))
    }, timeoutMs)
    const leave = (): void => {
      clearTimeout(timer)
      socket.resetAndDestroy()
      resolve()
    }
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.once('connect', () => {
      socket.write(request)
      if (after === 'at-once') leave()
    })
    if (after === 'first-bytes') socket.once('data', leave)
  })
}
