import { simpleProxy } from './simple-proxy.ts'
import { serveChaosControls, type ChaosProxyOptions } from '../chaos/chaos-controls.ts'
import type { App } from '../proxy/proxy-options.ts'

export const chaosProxy = (o: ChaosProxyOptions): App => {
  const app = simpleProxy({ ...o, inner: [...(o.inner ?? []), o.engine.filter] })
  const [first, ...rest] = app.filters
  return { ...app, filters: [first!, serveChaosControls(o), ...rest] }
}
