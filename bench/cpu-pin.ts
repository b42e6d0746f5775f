/**
 * Pins processes to CPUs with `taskset` (Linux, util-linux), so the bench can give the proxy under test a core of its
 * own and put the load generator, the origin and the helpers on the other. A process and every descendant, every
 * thread of each (`taskset -a`): threads and children made later inherit their parent's CPUs.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** `pid` and its descendants, read from /proc/PID/task/TID/children (empty past processes that have gone). */
export function processTree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${p}/task`)
    } catch {
      continue
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim()
        if (children) out.push(...children.split(/\s+/).map(Number))
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out
}

/** Pins `pid`, its threads and its descendants to `cpus` (a taskset CPU list: `'1'`, `'0-1'`). Throws if taskset does. */
export function pinTree(pid: number, cpus: string): void {
  for (const p of processTree(pid)) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(p)], { stdio: 'ignore' })
}

/** The CPUs `pid` may run on (`taskset -p`'s list, e.g. `'0,1'` or `'0-1'`). */
export function cpusOf(pid: number): string {
  const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' })
  return out.slice(out.lastIndexOf(':') + 1).trim()
}
