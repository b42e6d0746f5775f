import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

export interface TestUpstream {
  readonly url: string
  readonly port: number
  readonly requests: Array<{ method: string; url: string; rawHeaders: string[]; body: Buffer }>
  stop(): Promise<void>
}

/** A plain Node HTTP server on 127.0.0.1:0 recording what it receives; `handle` answers. */
export async function startUpstream(
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => {
    res.end('hello')
  },
): Promise<TestUpstream> {
  const requests: TestUpstream['requests'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body })
      handle(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
