import { proxyApp } from '../pipeline/builder.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'

export const sniffProxy = (o: ProxyOptions): App => proxyApp(seedPipelines.sniff(), o)
