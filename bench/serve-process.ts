/**
 * The user's path, started the way a user starts it: `nanoscope serve` as its own process (bin/nanoscope.mjs, the
 * CLI itself), then a bench/ws-subscriber.ts process that subscribes over the WebSocket the window uses and starts a
 * reverse proxy listener over the same contract, as the window's Pipelines pane does. The serve process is not a
 * bench child, so its CPU time and RSS are read from /proc (Linux; elsewhere they are NaN).
 */
import { SERVE_NODE_FLAGS } from '../bin/node-flags.mjs'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild, type Child } from './child.ts'

const BIN = fileURLToPath(new URL('../bin/nanoscope.mjs', import.meta.url))
const PROBE = new URL('./serve-probe.ts', import.meta.url).href

export interface SubscriberCount {
  count: number
  batches: number
  distinct: number
  highestSeq: number
}

export interface ServeProcess {
  /** The reverse listener's URL (started over the contract); the UI's when no target was given. */
  readonly url: string
  /** The forward proxy `serve` starts (with HTTPS interception unless `--no-intercept` was passed). */
  readonly proxyUrl: string
  readonly pid: number
  readonly subscriber: Child<{ ready: boolean; url: string }>
  cpuMicros(): Promise<number>
  /** Asks serve a bench question over its IPC channel (`'alloc-start'`, `'alloc-stop'`: bench/serve-probe.ts). */
  ask<T>(question: string): Promise<T>
  rssMb(): number
  count(): Promise<SubscriberCount>
  stop(): Promise<void>
}

/**
 * Starts `nanoscope serve` (UI and forward proxy on free ports, data in a temp folder, `serveArgs` added) and the
 * subscriber, which also starts a reverse listener to `target` when one is given.
 */
export async function startServe(
  target: string | undefined,
  nodeFlags: readonly string[] = [],
  serveArgs: readonly string[] = [],
): Promise<ServeProcess> {
  const home = mkdtempSync(join(tmpdir(), 'nanoscope-bench-home-'))
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      PROBE,
      // The flags the CLI would relaunch serve with (bin/node-flags.mjs), given here so that serve runs in this process
      // (its pid, CPU and the probe's IPC are the ones measured) rather than in a relaunched child.
      ...SERVE_NODE_FLAGS,
      ...nodeFlags,
      BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--proxy-port',
      '0',
      ...serveArgs,
    ],
    {
      env: { ...process.env, NANOSCOPE_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  )
  const stopServe = async (): Promise<void> => {
    await killAndWait(child)
    rmSync(home, { recursive: true, force: true })
  }
  let subscriber: Child<{ ready: boolean; url: string }>
  let urls: { ui: string; proxy: string }
  try {
    urls = await startedUrls(child, 60_000)
    const uiUrl = new URL(urls.ui)
    const ws = `ws://${uiUrl.host}/api/ws?token=${uiUrl.searchParams.get('token')}`
    subscriber = await startChild<{ ready: boolean; url: string }>('./ws-subscriber.ts', {
      args: target === undefined ? [ws] : [ws, target],
    })
  } catch (error) {
    await stopServe()
    throw error
  }
  const pid = child.pid ?? 0
  return {
    url: subscriber.ready.url ?? urls.ui,
    proxyUrl: urls.proxy,
    pid,
    subscriber,
    cpuMicros: async () => cpuMicrosOf(pid),
    ask: <T>(question: string) => askServe<T>(child, question),
    rssMb: () => rssMbOf(pid),
    count: () => subscriber.ask<SubscriberCount>('count?'),
    stop: async () => {
      await subscriber.stop()
      await stopServe()
    },
  }
}

/** The next message serve's probe sends after `question` (bounded: 5 s). */
function askServe<T>(child: ChildProcess, question: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage)
      reject(new Error(`nanoscope serve did not answer ${question} within 5 s`))
    }, 5000)
    const onMessage = (message: unknown): void => {
      clearTimeout(timer)
      resolve(message as T)
    }
    child.once('message', onMessage)
    child.send(question)
  })
}

/** The UI's and the proxy's URLs from what serve prints when it starts ("… listening on http://…"), bounded. */
function startedUrls(child: ChildProcess, timeoutMs: number): Promise<{ ui: string; proxy: string }> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => done(new Error(`nanoscope serve did not start within ${timeoutMs} ms`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      text += chunk.toString()
      const ui = /serve listening on (http:\/\/\S+)/.exec(text)
      const proxy = /proxy listening on (http:\/\/[^\s(]+)/.exec(text)
      if (ui && proxy) done(undefined, { ui: ui[1]!, proxy: proxy[1]! })
    }
    const onExit = (code: number | null): void => done(new Error(`nanoscope serve exited (code ${code}): ${text}`))
    const done = (error: Error | undefined, urls?: { ui: string; proxy: string }): void => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
      child.stdout?.resume() // keep draining what it prints later
      if (error) reject(error)
      else resolve(urls!)
    }
    child.stdout?.on('data', onData)
    child.on('exit', onExit)
  })
}

export function killAndWait(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

const TICK_US = 1e6 / 100 // USER_HZ is 100 on Linux

/** User + system CPU of a process from /proc/PID/stat, in microseconds (10 ms resolution); NaN where unreadable. */
export function cpuMicrosOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_US
  } catch {
    return NaN
  }
}

/** Resident set size of a process from /proc/PID/status, in MB (2^20 bytes); NaN where unreadable. */
export function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}
