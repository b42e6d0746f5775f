import { proxyApp } from '../pipeline/builder.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import type { ChaosProxyOptions } from '../chaos/chaos-controls.ts'
import type { App } from '../proxy/proxy-options.ts'

export const chaosProxy = (o: ChaosProxyOptions & { controlPort?: number }): App => proxyApp(seedPipelines.chaos(o), o)
