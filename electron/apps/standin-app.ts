import { catchAll } from '../core/filters/catch-all.ts'
import { standIn, type Recording, type StandInOptions } from '../recording/stand-in.ts'
import { answerHttps } from '../recording/stand-in-https.ts'
import type { TlsInterception } from '../tls/intercept-connect.ts'
import type { App } from '../proxy/proxy-options.ts'

export const standinApp = (records: Recording, o: StandInOptions & { tls?: TlsInterception } = {}): App => ({
  filters: [catchAll()],
  ...answerHttps(standIn(records, o), o.tls),
  close: () => {},
})
