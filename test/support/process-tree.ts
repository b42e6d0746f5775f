import { readdirSync, readFileSync } from 'node:fs'

/** The processes whose parent is `pid`, with their command lines (Linux's /proc). */
export function childrenOf(pid: number): { pid: number; args: string[] }[] {
  const found: { pid: number; args: string[] }[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== pid) continue
      found.push({ pid: Number(name), args: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0') })
    } catch {
      // the process ended while it was being read
    }
  }
  return found
}

/** Whether a process with this pid is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
