import { recordTo } from '../recording/record-to.ts'
import { simpleProxy } from './simple-proxy.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import type { ExchangeWriter } from '../recording/recorded-exchange.ts'

export const recordProxy = (o: ProxyOptions & { session: ExchangeWriter }): App =>
  simpleProxy({ ...o, inner: [recordTo(o.session, { clock: o.clock }), ...(o.inner ?? [])] })
