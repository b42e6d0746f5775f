import { runCli, listeningUrl, type CliProcess } from './cli-process.ts'

export interface ServedApp {
  readonly cli: CliProcess
  /** The UI URL with its token. */
  readonly uiUrl: string
  readonly proxyUrl: string
  stop(): Promise<void>
}

/**
 * Runs `nanoscope serve` on free ports and reads its two first lines. Its proxy forwards only to loopback
 * (`--allow-hosts`), so a browser's own background requests never leave the machine, not even as a DNS lookup.
 */
export async function startServe(extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<ServedApp> {
  const cli = runCli(
    ['serve', '--port', '0', '--proxy-port', '0', '--allow-hosts', 'localhost,127.0.0.1,::1', ...extraArgs],
    env,
  )
  const uiUrl = listeningUrl(await cli.line(1, 60_000))
  const proxyUrl = listeningUrl(await cli.line(2))
  return {
    cli,
    uiUrl,
    proxyUrl,
    stop: async () => {
      await cli.stop('SIGTERM')
    },
  }
}
