/**
 * A Host in its own process, for faults that must be injected from outside (a file size limit set by the
 * shell that starts it): a forward proxy listener and the `serve` WebSocket, sessions under the given root.
 * Tells its parent the addresses over IPC; stops when the parent disconnects.
 */
import { Host } from '../../electron/host/host.ts'
import { startWebUi } from '../../electron/web/serve.ts'

export interface HostChildReady {
  readonly proxyPort: number
  readonly listenerId: string
  readonly wsUrl: string
}

const { sessionsRoot, staticDir } = JSON.parse(process.argv[2] ?? '{}') as { sessionsRoot: string; staticDir: string }
const host = new Host({ sessionsRoot })
const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 0 })
const ui = await startWebUi(host, { staticDir })
const ready: HostChildReady = {
  proxyPort: proxy.port,
  listenerId: proxy.id,
  wsUrl: `ws://127.0.0.1:${ui.port}/api/ws?token=${ui.token}`,
}
process.send?.(ready)
process.on('disconnect', () => {
  void (async () => {
    await ui.stop()
    await host.stop()
    process.exit(0)
  })()
})
