#!/usr/bin/env node
// The `nanoscope` command. Loads the TypeScript sources through tsx, so a fresh `npm install` is enough. A proxy
// (`serve` among them) is first started again with the Node flags it runs best under (bin/node-flags.mjs).
import { fileURLToPath } from 'node:url'
import { followLauncher, missingNodeFlags, relaunch } from './node-flags.mjs'

const argv = process.argv.slice(2)
const flags = missingNodeFlags(argv)
if (flags.length > 0) relaunch(fileURLToPath(import.meta.url), argv, flags)
else {
  followLauncher()
  const { register } = await import('tsx/esm/api')
  register()
  const { main } = await import('../electron/cli/main.ts')
  await main(argv)
}
