/** Real sockets for the chaos tests: a chaos proxy in front of a plain upstream, and a client with a bounded wait. */
import http from 'node:http'
import { chaosProxy } from '../../electron/apps/chaos-proxy.ts'
import { createChaosEngine, type ChaosEngine, type ChaosEngineOptions } from '../../electron/chaos/engine.ts'
import { selfAddress } from '../../electron/chaos/self-address.ts'
import { mountApp, type MountedApp } from '../../electron/proxy/mount-app.ts'
import { startUpstream, type TestUpstream } from '../support/upstream.ts'

export interface ChaosRig {
  readonly engine: ChaosEngine
  readonly proxy: MountedApp
  readonly upstream: TestUpstream
  stop(): Promise<void>
}

/** A chaos proxy (reverse to the upstream, or forward when `forward`) over a plain upstream answering `hello world`. */
export async function chaosRig(options: ChaosEngineOptions & { forward?: boolean } = {}): Promise<ChaosRig> {
  const upstream = await startUpstream((req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end(`hello world from ${req.url}`)
  })
  const engine = createChaosEngine(options)
  const self = selfAddress()
  const proxy = await mountApp(
    chaosProxy({ ...(options.forward ? {} : { target: upstream.url }), engine, self, timeoutMs: 5000 }),
    { port: 0 },
  )
  self.listeningOn(proxy.server.url)
  return {
    engine,
    proxy,
    upstream,
    stop: async () => {
      await proxy.stop()
      await upstream.stop()
    },
  }
}

export interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
  readonly chunks: number
  readonly ms: number
}

/**
 * Sends one request on a fresh connection. Rejects with the socket error (a reset), or with `gave up` once
 * `giveUpMs` passes (the client's own timeout, after which it destroys the request).
 */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; giveUpMs?: number; path?: string } = {},
): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false, ...(init.path ? { path: init.path } : {}) },
      (res) => {
        let body = ''
        let chunks = 0
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
          chunks++
        })
        res.on('end', () => {
          clearTimeout(timer)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, chunks, ms: performance.now() - started })
        })
        res.on('error', (e) => {
          clearTimeout(timer)
          reject(e)
        })
      },
    )
    const timer = setTimeout(() => {
      req.destroy(new Error('gave up'))
    }, init.giveUpMs ?? 5000)
    req.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    req.end(init.body)
  })
}

export async function rejection(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise
  } catch (error) {
    return error as NodeJS.ErrnoException
  }
  throw new Error('expected the request to fail')
}
