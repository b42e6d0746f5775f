import { proxyApp } from '../pipeline/builder.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const latencyProxy = (o: ProxyOptions): App => proxyApp([{ use: 'latency' }], o)
