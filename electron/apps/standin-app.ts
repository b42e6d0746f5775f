import { catchAll } from '../core/filters/catch-all.ts'
import { standIn, type StandInOptions } from '../recording/stand-in.ts'
import type { App } from '../proxy/proxy-options.ts'
import type { RecordedExchange } from '../recording/recorded-exchange.ts'

export const standinApp = (records: readonly RecordedExchange[], o: StandInOptions = {}): App =>
  ({ filters: [catchAll()], handler: standIn(records, o), close: () => {} })
