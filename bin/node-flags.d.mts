export const FORWARDING_NODE_FLAGS: readonly string[]
export const SERVE_NODE_FLAGS: readonly string[]
export const LAUNCHED_ENV: string
export function missingNodeFlags(
  argv: readonly string[],
  execArgv?: readonly string[],
  env?: NodeJS.ProcessEnv,
): string[]
export function relaunch(script: string, argv: readonly string[], flags: readonly string[]): void
export function followLauncher(env?: NodeJS.ProcessEnv): void
