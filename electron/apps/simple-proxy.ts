import { catchAll } from '../core/filters/catch-all.ts'
import { removeHopByHop } from '../core/filters/hop-by-hop.ts'
import { addVia } from '../core/filters/via.ts'
import { routeUpstream, upstream, insertInner } from '../proxy/upstream.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const simpleProxy = (o: ProxyOptions): App => {
  const handler = upstream(o)
  return { filters: [catchAll(), routeUpstream(o), ...insertInner(o), removeHopByHop(), addVia()], handler, close: handler.close }
}
