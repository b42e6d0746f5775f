/**
 * The programs some tests check Nanoscope against that npm cannot install (curl, openssl, nginx, nghttp2's tools,
 * python3). `needs(program)` is a test's `skip` option: false when the program is on PATH, else the one-line reason
 * the runner prints and `test/run.mjs` counts in its closing summary. Under NANOSCOPE_REQUIRE_ALL=1 (set by
 * `.ci/run`, which installs them all) a missing one is an error instead, so CI always runs everything.
 */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Each program and the Debian package that brings it. */
const PACKAGES = {
  curl: 'curl',
  openssl: 'openssl',
  nginx: 'nginx',
  python3: 'python3',
  http: 'httpie',
  nghttp: 'nghttp2-client',
  h2load: 'nghttp2-client',
  nghttpd: 'nghttp2-server',
} as const

export type Counterpart = keyof typeof PACKAGES

export function needs(program: Counterpart): string | false {
  if (onPath(program)) return false
  const reason = `needs ${program}, not found on PATH (apt-get install ${PACKAGES[program]})`
  if (process.env.NANOSCOPE_REQUIRE_ALL === '1') throw new Error(`NANOSCOPE_REQUIRE_ALL=1 and a test ${reason}`)
  return reason
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', program), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}
