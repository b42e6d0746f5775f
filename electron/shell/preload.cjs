// The preload: exposes exactly one function per contract entry on window.nanoscope, nothing else.
// Sandboxed preloads cannot load other files, so the names are listed here; a test checks that they match
// shared/contract.ts.
const { contextBridge, ipcRenderer } = require('electron')

const COMMANDS = [
  'subscribe',
  'listListeners',
  'startListener',
  'stopListener',
  'getExchange',
  'searchExchanges',
  'clear',
  'pauseCapture',
  'resumeCapture',
  'getSettings',
  'updateSettings',
  'resend',
  'launchBrowser',
  'getChaos',
  'setChaos',
  'listSessions',
  'getRecording',
  'startRecording',
  'stopRecording',
  'setStandIn',
  'renameSession',
  'deleteSession',
  'exportHar',
  'importHar',
  'replaySession',
  'startClockDemo',
  'getCa',
  'listBlockKinds',
  'checkPipeline',
  'setPipeline',
  'exportPipeline',
  'listPaused',
  'getPaused',
  'continuePaused',
  'abortPaused',
  'respondPaused',
]
const EVENTS = [
  'exchanges',
  'listeners',
  'capture',
  'cleared',
  'settings',
  'chaos',
  'frames',
  'recording',
  'sessions',
  'replayProgress',
  'paused',
]

const api = {}
for (const name of COMMANDS) {
  api[name] = (args) => ipcRenderer.invoke(`nanoscope:command:${name}`, args ?? {})
}
for (const name of EVENTS) {
  api[`on${name[0].toUpperCase()}${name.slice(1)}`] = (listener) => {
    const channel = `nanoscope:event:${name}`
    const wrapped = (_event, payload) => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => ipcRenderer.removeListener(channel, wrapped)
  }
}
contextBridge.exposeInMainWorld('nanoscope', Object.freeze(api))
