/** Something a CLI command started, which SIGINT/SIGTERM stops. */
export interface Running {
  stop(): Promise<void>
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

/** Binding beyond loopback exposes captured traffic to the network: say so on stderr. */
export function warnIfNotLoopback(host: string): void {
  if (!LOOPBACK.test(host)) {
    process.stderr.write(
      `warning: listening on ${host}, which is reachable from other machines; anyone who can reach it can use this proxy\n`,
    )
  }
}
