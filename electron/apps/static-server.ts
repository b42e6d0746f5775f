import { catchAll } from '../core/filters/catch-all.ts'
import { staticFiles } from '../core/static/static-files.ts'
import type { App } from '../proxy/proxy-options.ts'

export const staticServer = (dir = '.'): App => ({ filters: [catchAll()], handler: staticFiles(dir), close: () => {} })
