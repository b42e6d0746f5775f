/**
 * A session as an Artillery 2.x script (YAML): one scenario whose flow sends the recorded requests in order,
 * with `think` steps for the recorded pauses (load-steps.ts), run by one virtual user once (`phases`); raise
 * `arrivalCount`/`arrivalRate` for load, or run it with `artillery run-fargate` / `run-lambda`.
 *
 * Beware, what Artillery's HTTP engine would otherwise change:
 * - strings in a script are templates (`{{ name }}`), so a body holding `{{`, like a body that is not text,
 *   is written to a file beside the script and set by a `beforeRequest` function in a processor module
 *   written with it (`<script>.bodies/processor.cjs`), which reads the files once at load;
 * - it follows redirects unless told not to: every request says `followRedirect: false`, so only the recorded
 *   requests are sent;
 * - a `think` that is a whole number is seconds, anything else goes through `ms()`: pauses are written as
 *   `"250ms"` strings;
 * - headers are an object: a header repeated in the recording is sent once, with its values joined by ", "
 *   (`Cookie` by "; ").
 * Every scalar is written as a JSON string, which is also a YAML double-quoted scalar.
 */
import type { RecordedExchange } from './recorded-exchange.ts'
import { joinedHeaders, loadSteps, type LoadExportOptions } from './load-steps.ts'

export interface ScriptFile {
  /** Path relative to the script's folder. */
  readonly path: string
  readonly bytes: Uint8Array
}

export interface LoadScript {
  readonly script: string
  /** Files the script needs beside it (bodies, a processor module). */
  readonly files: readonly ScriptFile[]
  readonly requests: number
}

export interface ArtilleryExportOptions extends LoadExportOptions {
  /** The session's name, for the scenario's name and the header comment. */
  readonly name?: string
  /** Folder for bodies, relative to the script (bodiesDirFor's basename). */
  readonly bodiesDir: string
}

export function toArtillery(records: readonly RecordedExchange[], options: ArtilleryExportOptions): LoadScript {
  const steps = loadSteps(records, options)
  const base = (options.target ?? (steps[0] ? new URL(steps[0].url).origin : 'http://localhost')).replace(/\/+$/, '')
  const files: ScriptFile[] = []
  const hooks: string[] = []
  const q = (s: string) => JSON.stringify(s)
  const flow: string[] = []
  for (const step of steps) {
    if (step.pauseMs > 0) flow.push(`      - think: ${q(`${step.pauseMs}ms`)}`)
    const url =
      step.url.startsWith(`${base}/`) || step.url.startsWith(`${base}?`) ? step.url.slice(base.length) : step.url
    const lines = [
      `      - ${step.method.toLowerCase()}:`,
      `          name: ${q(`#${step.index + 1} ${step.method} ${url}`)}`,
      `          url: ${q(url)}`,
      '          followRedirect: false',
    ]
    const headers = joinedHeaders(step.headers)
    if (headers.length > 0) lines.push('          headers:', ...headers.map(([n, v]) => `            ${q(n)}: ${q(v)}`))
    if (step.body.byteLength > 0) {
      if (step.text !== undefined && !step.text.includes('{{')) lines.push(`          body: ${q(step.text)}`)
      else {
        const file = `${step.index + 1}.bin`
        files.push({ path: `${options.bodiesDir}/${file}`, bytes: step.body })
        hooks.push(`  nanoscopeBody${step.index + 1}: body(${q(file)}),`)
        lines.push(`          beforeRequest: ${q(`nanoscopeBody${step.index + 1}`)}`)
      }
    }
    flow.push(...lines)
  }
  if (hooks.length > 0) files.push({ path: `${options.bodiesDir}/processor.cjs`, bytes: Buffer.from(processor(hooks)) })
  const name = options.name ?? 'session'
  const script = [
    `# Artillery 2.x script written by "nanoscope export artillery" from the Nanoscope session ${q(name)}:`,
    `# ${steps.length} recorded requests in order, ${options.speed === Infinity ? 'back to back' : `with the recorded pauses${options.speed !== undefined && options.speed !== 1 ? ` divided by ${options.speed}` : ''}`}.`,
    '# Run it: artillery run THIS_FILE  (one virtual user, once; raise arrivalCount or add phases for load)',
    'config:',
    `  target: ${q(base)}`,
    '  phases:',
    `    - name: ${q('replay the recording once')}`,
    '      duration: 1',
    '      arrivalCount: 1',
    ...(hooks.length > 0 ? [`  processor: ${q(`./${options.bodiesDir}/processor.cjs`)}`] : []),
    'scenarios:',
    `  - name: ${q(`replay of ${name}`)}`,
    ...(flow.length > 0 ? ['    flow:', ...flow] : ['    flow: []']),
    '',
  ].join('\n')
  return { script, files, requests: steps.length }
}

function processor(hooks: readonly string[]): string {
  return `// Written by "nanoscope export artillery": sets the request bodies the script cannot carry as text.
'use strict'
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

function body(file) {
  const bytes = readFileSync(join(__dirname, file))
  return function setBody(requestParams, context, ee, next) {
    requestParams.body = bytes
    return next()
  }
}

module.exports = {
${hooks.join('\n')}
}
`
}
