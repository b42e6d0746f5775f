import { catchAll } from '../core/filters/catch-all.ts'
import { removeHopByHop } from '../core/filters/hop-by-hop.ts'
import { nodeClient, type ClientOptions } from '../core/client/node-client.ts'
import { tagResponses } from '../recording/tag-responses.ts'
import type { App } from '../proxy/proxy-options.ts'

export const replayApp = (o: ClientOptions = {}): App => {
  const client = nodeClient(o)
  return { filters: [catchAll(), tagResponses('replayed'), removeHopByHop()], handler: client, close: client.close }
}
