import { printExchange } from '../core/filters/print-exchange.ts'
import { simpleProxy } from './simple-proxy.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const sniffProxy = (o: ProxyOptions): App => {
  const app = simpleProxy(o)
  const [outermost, route, ...rest] = app.filters
  return { ...app, filters: [outermost!, route!, printExchange(o.out ?? process.stdout), ...rest] }
}
