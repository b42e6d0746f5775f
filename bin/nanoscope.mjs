#!/usr/bin/env node
// The `nanoscope` command. Loads the TypeScript sources through tsx, so a fresh `npm install` is enough.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../electron/cli/main.ts')
await main(process.argv.slice(2))
