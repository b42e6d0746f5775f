import { proxyApp } from '../pipeline/builder.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const sniffProxy = (o: ProxyOptions): App => proxyApp([{ use: 'sniff' }], o)
