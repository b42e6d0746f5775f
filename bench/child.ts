/**
 * Runs a bench part as its own Node process (with tsx, via IPC), so the load generator, the proxy and the
 * upstream do not share one event loop. Every wait is bounded.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Child<Ready> {
  readonly ready: Ready
  readonly pid: number
  /** Sends `question` and resolves with the next message back (bounded). */
  ask<T>(question: string, timeoutMs?: number): Promise<T>
  /** Disconnects (the child exits on disconnect); kills it if it has not gone within two seconds. */
  stop(): Promise<void>
}

export interface ForkOptions {
  readonly args?: readonly string[]
  /** Extra Node flags (e.g. `--cpu-prof`), added to the inherited `--import tsx`. */
  readonly nodeFlags?: readonly string[]
  readonly readyTimeoutMs?: number
}

export async function startChild<Ready>(file: string, options: ForkOptions = {}): Promise<Child<Ready>> {
  const path = fileURLToPath(new URL(file, import.meta.url))
  const child = fork(path, [...(options.args ?? [])], {
    execArgv: [...process.execArgv, ...(options.nodeFlags ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await nextMessage<Ready>(child, options.readyTimeoutMs ?? 20_000, `${file} to start`)
  return {
    ready,
    pid: child.pid ?? 0,
    ask: <T>(question: string, timeoutMs = 5000) => {
      const answer = nextMessage<T>(child, timeoutMs, `${file} to answer ${question}`)
      child.send(question)
      return answer
    },
    stop: () => stopChild(child),
  }
}

function nextMessage<T>(child: ChildProcess, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    }, timeoutMs)
    const onMessage = (message: unknown): void => {
      cleanup()
      resolve(message as T)
    }
    const onExit = (code: number | null): void => {
      cleanup()
      reject(new Error(`${what}: the process exited (code ${code})`))
    }
    const cleanup = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
    }, 2000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    if (child.connected) child.disconnect()
    else child.kill('SIGTERM')
  })
}
