import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Host } from '../host/host.ts'
import { parseFlags, type FlagSpec } from './args.ts'
import { TLS_FLAGS, readCaFiles } from './tls-flags.ts'
import { parseHostList } from '../core/matching/host-patterns.ts'
import { warnIfNotLoopback, type Running } from './running.ts'
import { startWebUi } from '../web/serve.ts'
import { ensureRendererBuilt } from '../web/renderer-build.ts'
import { followPipelineFile, loadPipelineFile } from '../pipeline/pipeline-runner.ts'
import { FileListeners } from '../host/file-listeners.ts'

const STATIC_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url))

export const SERVE_FLAGS: FlagSpec = {
  host: 'string',
  port: 'port',
  'proxy-port': 'port',
  pipeline: 'string',
  ...TLS_FLAGS,
}

/** `nanoscope serve`: the desktop app's UI in any browser, with a forward proxy already running. */
export async function runServeCommand(argv: readonly string[]): Promise<Running | void> {
  const flags = parseFlags(argv, SERVE_FLAGS)
  const pipelineFile = flags.pipeline as string | undefined
  const contents = pipelineFile === undefined ? undefined : loadPipelineFile(pipelineFile)
  if (contents && !contents.ok) {
    for (const problem of contents.problems) process.stderr.write(`${problem}\n`)
    process.exitCode = 2
    return
  }
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  await ensureRendererBuilt(STATIC_DIR)
  const caDir = flags['ca-dir'] as string | undefined
  const passthrough = typeof flags.passthrough === 'string' ? parseHostList(flags.passthrough) : []
  const app = new Host({
    interceptHttps: flags['no-intercept'] === true ? false : { ...(caDir ? { caDir } : {}), passthrough },
    insecureUpstream: flags['insecure-upstream'] === true,
    ...(typeof flags['allow-hosts'] === 'string' ? { allowHosts: parseHostList(flags['allow-hosts']) } : {}),
    ...(typeof flags['upstream-ca'] === 'string' ? { upstreamCa: readCaFiles(flags['upstream-ca']) } : {}),
  })
  const proxyPort = flags['proxy-port'] as number | undefined
  const proxy = await app.startListener(
    {
      kind: 'proxy',
      mode: 'forward',
      port: proxyPort ?? 8080,
      ...(flags['h2c-upstream'] === true ? { h2cUpstream: true } : {}),
    },
    proxyPort === undefined,
  )
  const fromFile = pipelineFile === undefined ? undefined : new FileListeners(app, pipelineFile)
  let fileUrls: string[] = []
  try {
    if (fromFile && contents?.ok) fileUrls = await fromFile.start(contents.value)
  } catch (error) {
    await app.stop()
    throw error
  }
  const ui = await startWebUi(app, { host, port: (flags.port as number | undefined) ?? 0, staticDir: STATIC_DIR })
  process.stdout.write(`nanoscope serve listening on ${ui.url}\n`)
  process.stdout.write(
    `proxy listening on ${proxy.url}${proxy.note ? ` (${proxy.note})` : ''}; try: curl -x ${proxy.url} http://example.com/\n`,
  )
  for (const url of fileUrls) process.stdout.write(`pipeline listening on ${url}\n`)
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const watcher =
    fromFile && pipelineFile
      ? followPipelineFile(pipelineFile, say, (contents) => fromFile.reload(contents))
      : undefined
  warnIfNotLoopback(host)
  if (!existsSync(STATIC_DIR)) process.stderr.write('warning: the UI is not built; run npm run build\n')
  return {
    stop: async () => {
      watcher?.close()
      await ui.stop()
      await app.stop()
    },
  }
}
