/** The desktop app: one host, a forward proxy on 127.0.0.1:8080 (or a free port), and the window. */
import { app, ipcMain } from 'electron'
import { Host } from '../host/host.ts'
import { ensureRendererBuilt } from '../web/renderer-build.ts'
import { registerIpc } from './ipc.ts'
import { createMainWindow, RENDERER_INDEX, RENDERER_URL } from './window.ts'
import { dirname } from 'node:path'
import { tuneGarbageCollection } from '../proxy/gc-tuning.ts'

tuneGarbageCollection()
app.enableSandbox()
const host = new Host({ interceptHttps: true })

app.whenReady().then(async () => {
  await ensureRendererBuilt(dirname(RENDERER_INDEX))
  const proxy = await host.startListener({ kind: 'proxy', mode: 'forward', port: 8080 }, true)
  console.log(`proxy listening on ${proxy.url}${proxy.note ? ` (${proxy.note})` : ''}`)
  const window = createMainWindow()
  const unregister = registerIpc(ipcMain, host, window.webContents, RENDERER_URL)
  window.on('closed', unregister)
  await window.loadFile(RENDERER_INDEX)
})

app.on('window-all-closed', () => {
  void host.stop().finally(() => app.quit())
})
