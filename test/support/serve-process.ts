import { runCli, listeningUrl, type CliProcess } from './cli-process.ts'

export interface ServedApp {
  readonly cli: CliProcess
  /** The UI URL with its token. */
  readonly uiUrl: string
  readonly proxyUrl: string
  stop(): Promise<void>
}

/** Runs `nanoscope serve` on free ports and reads its two first lines. */
export async function startServe(): Promise<ServedApp> {
  const cli = runCli(['serve', '--port', '0', '--proxy-port', '0'])
  const uiUrl = listeningUrl(await cli.line(1, 60_000))
  const proxyUrl = listeningUrl(await cli.line(2))
  return { cli, uiUrl, proxyUrl, stop: async () => { await cli.stop('SIGTERM') } }
}
