import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/nanoscope.mjs', import.meta.url))

export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams
  /** Resolves with the first stdout line, or rejects after `timeoutMs`. */
  firstLine(timeoutMs?: number): Promise<string>
  /** Resolves with the n-th (1-based) stdout line. */
  line(n: number, timeoutMs?: number): Promise<string>
  stdout(): string
  stderr(): string
  /** Resolves with the exit code, killing the process after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Runs the CLI with `args`, in this process's environment or `env`. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe', ...(env ? { env } : {}) })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const line = (n: number, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const lines = out.split('\n')
        if (lines.length > n) {
          done()
          resolve(lines[n - 1]!)
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`no stdout line ${n} within ${timeoutMs} ms; stderr: ${err}`))
      }, timeoutMs)
      const onExit = () => {
        done()
        reject(new Error(`exited before stdout line ${n}; stdout: ${out}; stderr: ${err}`))
      }
      const done = () => {
        clearTimeout(timer)
        child.stdout.off('data', check)
        child.off('exit', onExit)
      }
      child.stdout.on('data', check)
      child.on('exit', onExit)
      check()
    })
  const exited = async (timeoutMs = 15_000) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const code = await exit
    clearTimeout(timer)
    return code
  }
  return {
    child,
    firstLine: (t) => line(1, t),
    line,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal)
      return exited()
    },
  }
}

export function listeningUrl(line: string): string {
  const match = /listening on (http:\/\/[^\s;]+)/.exec(line)
  if (!match) throw new Error(`not a listening line: ${line}`)
  return match[1]!
}
