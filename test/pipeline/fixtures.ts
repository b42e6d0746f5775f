/** Real sockets for the block tests: a live pipeline listener in front of a recording upstream, and a bounded client. */
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startLiveListener, type LiveListener } from '../../electron/pipeline/live-listener.ts'
import { checkBlocks } from '../../electron/pipeline/pipeline-file.ts'
import type { BlockSpec } from '../../electron/pipeline/block.ts'
import type { BuildOptions } from '../../electron/pipeline/builder.ts'
import { startUpstream, type TestUpstream } from '../support/upstream.ts'

export interface Rig {
  readonly upstream: TestUpstream
  readonly listener: LiveListener
  readonly url: string
  readonly out: string[]
  readonly dir: string
  stop(): Promise<void>
}

/** Starts a reverse listener to a fresh upstream with these blocks (checked as a file's would be). */
export async function rig(
  blocks: unknown[],
  o: Partial<Omit<BuildOptions, 'upstream'>> & {
    server?: TestUpstream
    dir?: string
    setup?: (dir: string) => void
  } = {},
): Promise<Rig> {
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), 'nanoscope-pipeline-'))
  o.setup?.(dir)
  const checked = checkBlocks(blocks, dir)
  if (!checked.ok) throw new Error(checked.problems.join('\n'))
  const upstream =
    o.server ??
    (await startUpstream((req, res, body) => {
      res.setHeader('X-Upstream', 'yes')
      res.end(`upstream saw ${req.method} ${req.url} ${body.length}`)
    }))
  const out: string[] = []
  let listener: LiveListener
  try {
    listener = await startLiveListener(
      checked.value as BlockSpec[],
      {
        target: upstream.url,
        baseDir: dir,
        listenerName: 'test',
        out: { write: (t: string) => out.push(t) },
        timeoutMs: 5000,
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.say ? { say: o.say } : {}),
        ...(o.onBlockChange ? { onBlockChange: o.onBlockChange } : {}),
      },
      { port: 0 },
    )
  } catch (error) {
    // A listener that does not start (a script that does not load) leaves nothing running behind it.
    if (!o.server) await upstream.stop()
    throw error
  }
  return {
    upstream,
    listener,
    url: listener.server.url,
    out,
    dir,
    async stop() {
      await listener.stop()
      await upstream.stop()
      if (!o.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  rawHeaders: string[]
  body: Buffer
  ms: number
}

/** One request on a fresh connection, with a bounded wait; rejects on a reset. */
export function send(
  url: string,
  o: {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: Buffer | string
    timeoutMs?: number
  } = {},
): Promise<Answer> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${o.path ?? '/'}`,
      { method: o.method ?? 'GET', headers: o.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
            ms: Date.now() - started,
          }),
        )
        res.on('error', reject)
      },
    )
    req.setTimeout(o.timeoutMs ?? 10_000, () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(o.body)
  })
}
