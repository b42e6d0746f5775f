/**
 * Joins two byte streams in both directions for a tunnel (CONNECT or an Upgrade), counting what moves.
 *
 * Ends travel across (a half-close on one side half-closes the other); an error on either side destroys
 * both and is recorded in the stats. Resolves once both sides have closed; never rejects.
 */
import type { Duplex } from 'node:stream'
import type { TunnelStats } from '../message.ts'

export function pipeSockets(
  client: Duplex,
  upstream: Duplex,
  heads: { up?: Buffer; down?: Buffer } = {},
): Promise<TunnelStats> {
  return new Promise((resolve) => {
    let bytesUp = 0
    let bytesDown = 0
    let error: string | undefined
    let open = 2

    const closed = (): void => {
      open -= 1
      if (open === 0) resolve(error === undefined ? { bytesUp, bytesDown } : { bytesUp, bytesDown, error })
    }
    const failed =
      (side: string) =>
      (e: Error): void => {
        error ??= `${side}: ${(e as { code?: string }).code ?? e.message}`
        client.destroy()
        upstream.destroy()
      }
    const sides = [
      ['client', client, upstream],
      ['upstream', upstream, client],
    ] as const
    for (const [side, socket, other] of sides) {
      socket.on('error', failed(side))
      if (socket.destroyed) {
        closed()
        continue
      }
      socket.once('close', () => {
        // Once one side is gone, let the other flush what it holds, then let it go too.
        if (other.writableFinished || other.destroyed) other.destroy()
        else other.end(() => other.destroy())
        closed()
      })
    }
    if (client.destroyed || upstream.destroyed) {
      client.destroy()
      upstream.destroy()
      return
    }

    if (heads.up && heads.up.length > 0) {
      bytesUp += heads.up.length
      upstream.write(heads.up)
    }
    // Stryker disable next-line EqualityOperator: an empty head adds no bytes to the count and writes nothing
    if (heads.down && heads.down.length > 0) {
      bytesDown += heads.down.length
      client.write(heads.down)
    }
    client.on('data', (chunk: Buffer) => {
      bytesUp += chunk.length
    })
    upstream.on('data', (chunk: Buffer) => {
      bytesDown += chunk.length
    })
    client.pipe(upstream)
    upstream.pipe(client)
  })
}
