import { proxyApp } from '../pipeline/builder.ts'
import { seedPipelines } from '../pipeline/seed-pipelines.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import type { SessionWriter } from '../recording/session-store.ts'

export const recordProxy = (o: ProxyOptions & { session: SessionWriter }): App =>
  proxyApp(seedPipelines.record(o.session.dir), o)
