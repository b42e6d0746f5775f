// Electron's entry point. Loads the TypeScript shell through tsx; everything else is shared with the CLI.
import { register } from 'tsx/esm/api'

register()
await import('./desktop.ts')
