import { transformSync } from 'esbuild'
import { readFileSync } from 'node:fs'
const out = transformSync(readFileSync(process.argv[2], 'utf8'), { loader: 'ts', keepNames: true, format: 'esm' })
console.log(out.code.split('\n').filter((l) => l.includes('__name')).join('\n'))
