import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'

/** A loopback socket pair: `client` writes, `peer` (the server side) receives. Both are closed by `close`. */
export async function socketPair(): Promise<{ client: Socket; peer: Socket; close: () => Promise<void> }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const client = connect(port, '127.0.0.1')
  await once(client, 'connect')
  const [peer] = await accepted
  return {
    client,
    peer,
    close: async () => {
      client.destroy()
      peer.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
