import { spawn } from 'node:child_process'
import { startChild } from './child.ts'
import { measure, warmUp } from './load.ts'
const variant = process.argv[2] ?? 'plain'
const upstream = await startChild<{ port: number }>('./upstream.ts')
const up = `http://127.0.0.1:${upstream.ready.port}`
const proxy = variant === 'bare'
  ? await startChild<{ port: number }>('./bare-proxy.ts', { args: [up] })
  : await startChild<{ port: number }>('./nanoscope-proxy.ts', { args: [variant, up] })
const url = `http://127.0.0.1:${proxy.ready.port}/1k`
const load = { connections: 32, pipelining: 1, durationS: 2 }
await warmUp(url, load, 1)
const st = spawn('strace', ['-c', '-f', '-p', String(proxy.pid)], { stdio: ['ignore', 'inherit', 'inherit'] })
await new Promise((r) => setTimeout(r, 300))
const m = await measure(url, load)
st.kill('SIGINT')
await new Promise((r) => st.once('exit', r))
console.log(variant, 'requests', m.requests)
await proxy.stop(); await upstream.stop(); process.exit(0)
