import { catchAll } from '../core/filters/catch-all.ts'
import { staticFiles, type StaticFilesOptions } from '../core/static/static-files.ts'
import type { App } from '../proxy/proxy-options.ts'

export const staticServer = (dir = '.', o: StaticFilesOptions = {}): App => ({
  filters: [catchAll()],
  handler: staticFiles(dir, o),
  close: () => {},
})
