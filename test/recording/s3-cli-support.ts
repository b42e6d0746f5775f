// The CLI run against s3rver with a team member's environment, and plain requests, for the S3 session tests.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { BIN } from '../support/cli-process.ts'
import { waitFor } from './support.ts'

/** Runs the CLI with `env` in `cwd`, killed after 30 s whatever happens. */
export function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe', env, cwd })
  let out = '',
    err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  void exit.then(() => clearTimeout(timer))
  return {
    child,
    exit,
    out: () => out,
    err: () => err,
    firstLine: async () => {
      await waitFor(() => out.includes('\n') || child.exitCode !== null, 20_000, 'the first stdout line')
      return out.split('\n')[0]!
    },
  }
}

export function send(
  url: string,
  method = 'GET',
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.end(body)
  })
}

export const BINARY = Buffer.from([0, 1, 2, 0xff, 0x80, 10])
