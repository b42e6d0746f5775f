import { reportLatency, formatLatency } from '../core/filters/report-latency.ts'
import { systemClock } from '../core/clock.ts'
import { simpleProxy } from './simple-proxy.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const latencyProxy = (o: ProxyOptions): App => {
  const app = simpleProxy(o)
  const report = reportLatency((r) => o.out?.write(formatLatency(r) + '\n'), o.clock ?? systemClock)
  return { ...app, filters: [report, ...app.filters] }
}
