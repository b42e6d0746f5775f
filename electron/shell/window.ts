import { BrowserWindow, session, shell } from 'electron'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { UI_CSP } from '../web/built-files.ts'

export const RENDERER_INDEX = fileURLToPath(new URL('../../dist/renderer/index.html', import.meta.url))
export const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href

/** The one window: sandboxed, isolated, no Node, a CSP, and no way to navigate or open other windows. */
export function createMainWindow(): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [UI_CSP] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Nanoscope',
    show: false,
    webPreferences: {
      preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-redirect', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  return window
}
