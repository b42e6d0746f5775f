import { describePipeline, pipeline } from '../core/http.ts'
import type { RunningServer, ServerOptions } from '../core/server/node-server.ts'
import { startWireServer } from '../core/server/wire-server.ts'
import type { App } from './proxy-options.ts'

export interface MountedApp {
  readonly server: RunningServer
  /** One English line per filter, outermost first, then the handler. */
  readonly pipeline: readonly string[]
  /** What the app said as it started (where it records, where a control API listens). */
  readonly said: readonly string[]
  stop(): Promise<void>
}

/** A proxy is a client mounted as a server: composes the app's filters over its handler and listens. */
export async function mountApp(app: App, options: ServerOptions): Promise<MountedApp> {
  const composed = pipeline(app.filters, app.handler)
  app.reenter?.(composed)
  let server: RunningServer | undefined
  let said: string[] = []
  try {
    server = await startWireServer(composed, options)
    app.listeningOn?.(server.url)
    said = (await app.start?.()) ?? []
  } catch (error) {
    await server?.stop()
    await app.close()
    throw error
  }
  return {
    server,
    said,
    pipeline: describePipeline(app.filters, app.handler.description ?? 'the app'),
    async stop() {
      await server.stop()
      await app.close()
    },
  }
}
