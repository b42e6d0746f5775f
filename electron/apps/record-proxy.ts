import { proxyApp } from '../pipeline/builder.ts'
import type { App, ProxyOptions } from '../proxy/proxy-options.ts'
import type { SessionWriter } from '../recording/session-store.ts'

export const recordProxy = (o: ProxyOptions & { session: SessionWriter }): App => proxyApp([{ use: 'record', dir: o.session.dir }], o)
