/**
 * A session as a k6 script (`import http from 'k6/http'`), written by Grafana's own converter, har-to-k6, from
 * the session's requests as an LI-HAR archive (HAR plus a `sleep` per entry): the requests in recorded order,
 * each after its recorded pause (load-steps.ts), hop-by-hop headers, Host and Content-Length left to k6.
 *
 * Beware: k6 scripts carry bodies as JavaScript strings, and LI-HAR reads `${name}` in one as a variable. A
 * body that is not text, or holds `${`, is written to a file beside the script and read in k6's init context
 * with `open(file, 'b')`; the converter is given a placeholder for it, replaced in its output.
 */
import { liHARToK6Script } from 'har-to-k6'
import type { LoadScript, ScriptFile } from './artillery-export.ts'
import { NANOSCOPE_CREATOR } from './har-export.ts'
import { header } from '../core/message.ts'
import { joinedHeaders, loadSteps, type LoadExportOptions } from './load-steps.ts'
import type { RecordedExchange } from './recorded-exchange.ts'

export interface K6ExportOptions extends LoadExportOptions {
  readonly name?: string
  /** Folder for bodies, relative to the script. */
  readonly bodiesDir: string
}

const PLACEHOLDER = 'NANOSCOPE_BODY_FILE_'
/** har-to-k6 adds a content-type header from postData's MIME type: one the recording did not send is taken out again. */
const NO_TYPE = 'nanoscope/no-content-type'

export async function toK6(records: readonly RecordedExchange[], options: K6ExportOptions): Promise<LoadScript> {
  const steps = loadSteps(records, options)
  const files: ScriptFile[] = []
  const entries = steps.map((step) => {
    let text = step.text
    if (step.body.byteLength > 0 && (text === undefined || text.includes('${'))) {
      files.push({ path: `${options.bodiesDir}/${step.index + 1}.bin`, bytes: step.body })
      text = `${PLACEHOLDER}${step.index + 1}`
    }
    return {
      request: {
        method: step.method,
        url: step.url,
        headers: joinedHeaders(step.headers).map(([name, value]) => ({ name, value })),
        ...(step.body.byteLength > 0 ? { postData: { mimeType: header(step, 'content-type') ?? NO_TYPE, text } } : {}),
      },
      // Stryker disable next-line ConditionalExpression,EqualityOperator: its `true` and `>= 0` mutants are equivalent (har-to-k6 writes no sleep for a pause of 0, and the iteration's closing sleep(1) it adds when no entry has one is taken out below); `false` and `<= 0` are caught by k6-script.test.ts and go with them
      ...(step.pauseMs > 0 ? { sleep: [{ before: step.pauseMs }] } : {}),
    }
  })
  const archive = { log: { version: '1.2', creator: { ...NANOSCOPE_CREATOR }, entries } }
  // Stryker disable next-line ObjectLiteral: addSleep is false by default in har-to-k6 (src/constants.js); said here so a new default cannot add sleeps the recording does not have
  let { main } = await liHARToK6Script(archive, { addSleep: false })
  main = main.replace(new RegExp(`^\\s*['"]?content-type['"]?: ['"]${NO_TYPE}['"],?\\n`, 'gim'), '')
  // har-to-k6 ends the iteration with `sleep(1)` when no request has a pause (every `--speed max` export): the
  // requests are then not back to back, and each virtual user's next iteration waits a second. Taken out.
  main = main.replace(/\n+[ \t]*\/\/ Automatically added sleep\n[ \t]*sleep\(1\)\n/, '\n')
  if (!/\bsleep\(/.test(main)) main = main.replace(/^import \{ sleep \} from 'k6'\n/m, '')
  if (main.includes(NO_TYPE))
    throw new Error(
      // Stryker disable next-line StringLiteral: unreachable with the har-to-k6 in package-lock.json (it writes the content type as the line the regex above takes out); a guard for another version
      'har-to-k6 wrote a content type this exporter cannot take out again; this session cannot be exported for k6',
    )
  if (files.length > 0) {
    const opens: string[] = []
    for (const file of files) {
      const n = /(\d+)\.bin$/.exec(file.path)![1]!
      const quoted = new RegExp(`(['"\`])${PLACEHOLDER}${n}\\1`, 'g')
      if (!quoted.test(main))
        throw new Error(
          `har-to-k6 did not keep the body of request ${n} as a string; this session cannot be exported for k6`,
        )
      main = main.replace(quoted, `nanoscopeBody${n}`)
      opens.push(`const nanoscopeBody${n} = open(${JSON.stringify(`./${file.path}`)}, 'b')`)
    }
    main = afterImports(
      main,
      ['', '// Bodies that are not text, read from files beside the script (k6 init context).', ...opens].join('\n'),
    )
  }
  const name = options.name ?? 'session'
  const head =
    `// k6 script written by "nanoscope export k6" (with har-to-k6) from the Nanoscope session ${JSON.stringify(name)}:\n` +
    `// ${steps.length} recorded requests in order, ${options.speed === Infinity ? 'back to back' : 'with the recorded pauses'}. Run it: k6 run THIS_FILE\n`
  // Stryker disable next-line Regex: har-to-k6 ends its script with exactly one newline, so /\n$/ gives the same; /\n*$/ also holds if a version adds more
  return { script: head + main.replace(/\n*$/, '\n'), files, requests: steps.length }
}

/** Inserts `code` after the last top-level import line. */
function afterImports(script: string, code: string): string {
  const lines = script.split('\n')
  let last = -1
  lines.forEach((line, i) => {
    if (/^import\s/.test(line)) last = i
  })
  lines.splice(last + 1, 0, code)
  return lines.join('\n')
}
