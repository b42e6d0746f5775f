import { printExchange } from '../core/filters/print-exchange.ts'
import { printFrames } from '../proxy/print-frames.ts'
import { simpleProxy } from './simple-proxy.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const sniffProxy = (o: ProxyOptions): App => {
  const app = simpleProxy(o)
  const out = o.out ?? process.stdout
  return { ...app, filters: [...app.filters, printExchange(out), printFrames(out)] }
}
