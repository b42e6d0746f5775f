import { proxyApp } from '../pipeline/builder.ts'
import type { ChaosProxyOptions } from '../chaos/chaos-controls.ts'
import type { App } from '../proxy/proxy-options.ts'

export const chaosProxy = (o: ChaosProxyOptions): App => proxyApp([{ use: 'chaos' }], o)
