import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { COMMAND_NAMES, commandChannel, eventChannel } from '../../shared/contract.ts'
import type { Host } from '../host/host.ts'
import { isTrustedSender } from './sender-check.ts'

/**
 * Carries the contract over Electron IPC: one `handle` per command, events sent to the window. The sender
 * of every message is checked against the renderer's own URL before anything runs.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  host: Host,
  contents: Pick<WebContents, 'send' | 'isDestroyed'>,
  rendererUrl: string,
): () => void {
  const connection = host.connectWindow((name, payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel(name), payload)
  })
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, args: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url, rendererUrl)) {
        throw new Error(`refused ${name}: the sender is not the Nanoscope window`)
      }
      return connection.dispatch(name, args)
    })
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name))
    connection.close()
  }
}
