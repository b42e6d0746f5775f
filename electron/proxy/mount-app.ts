import { describePipeline, pipeline } from '../core/http.ts'
import type { RunningServer, ServerOptions } from '../core/server/node-server.ts'
import { startWireServer } from '../core/server/wire-server.ts'
import type { App } from './proxy-options.ts'

export interface MountedApp {
  readonly server: RunningServer
  /** One English line per filter, outermost first, then the handler. */
  readonly pipeline: readonly string[]
  stop(): Promise<void>
}

/** A proxy is a client mounted as a server: composes the app's filters over its handler and listens. */
export async function mountApp(app: App, options: ServerOptions): Promise<MountedApp> {
  const composed = pipeline(app.filters, app.handler)
  app.handler.reenter?.(composed)
  const server = await startWireServer(composed, options)
  return {
    server,
    pipeline: describePipeline(app.filters, app.handler.description ?? 'the app'),
    async stop() {
      await server.stop()
      app.close()
    },
  }
}
