/**
 * Checks command arguments at the process boundary, one zod schema per command of the contract. Returns an
 * error message naming the bad field (`getExchange: "id" must be a non-empty string`), or undefined when the
 * arguments fit. Main runs this on every command before acting on it. Only main imports it (zod stays out of
 * the renderer's bundle).
 */
import { z } from 'zod'
import type { CommandName } from './contract.ts'

const none = z.strictObject({})
const text = z.string().min(1)
const whole = (min: number, max: number) => z.number().int().min(min).max(max)
const list = z.array(z.unknown()).max(1000)
const ids = <K extends string>(...keys: K[]) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, text])) as Record<K, typeof text>)

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Headers from the editor: names are tokens, values one line (no CR or LF can smuggle a header in). */
const headerList = z
  .array(
    z.tuple([
      z.string().regex(TOKEN, 'must be a header name (a token)'),
      z.string().regex(/^[^\r\n\0]*$/, 'must be one line'),
    ]),
  )
  .max(1000)
const bodyEdit = z.union([z.strictObject({ text: z.string() }), z.strictObject({ base64: z.string() })])

/** What the breakpoint editor (and Edit and resend) may change. */
const edits = z.strictObject({
  method: z.string().regex(TOKEN, 'must be a method name (a token)').optional(),
  url: text.max(65_536).regex(/^\S+$/, 'must have no spaces or line breaks').optional(),
  headers: headerList.optional(),
  body: bodyEdit.optional(),
  status: whole(100, 599).optional(),
  reason: z
    .string()
    .max(1000)
    .regex(/^[^\r\n]*$/, 'must be one line')
    .optional(),
})

const startListener = z
  .object({
    kind: z.enum(['proxy', 'latency', 'sniff', 'static', 'clock']),
    mode: z.enum(['forward', 'reverse']).optional(),
    dir: text.optional(),
    intervalMs: whole(1, 3_600_000).optional(),
    target: text.optional(),
    httpsUpstream: z.boolean().optional(),
    h2cUpstream: z.boolean().optional(),
    host: text.optional(),
    port: whole(0, 65535).optional(),
    pipeline: list.optional(),
    name: text.optional(),
    baseDir: text.optional(),
  })
  .superRefine((a, ctx) => {
    const proxy = a.kind !== 'static' && a.kind !== 'clock'
    if (proxy && a.mode === undefined)
      ctx.addIssue({ code: 'custom', path: ['mode'], message: 'must be one of forward, reverse' })
    if (a.kind === 'static' && a.dir === undefined)
      ctx.addIssue({ code: 'custom', path: ['dir'], message: 'is required for a static file server' })
    if (a.mode === 'reverse' && a.target === undefined)
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'is required for a reverse proxy' })
  })

export const COMMAND_SCHEMAS: Record<CommandName, z.ZodType> = {
  subscribe: none,
  listListeners: none,
  startListener,
  stopListener: ids('id'),
  getExchange: ids('id'),
  searchExchanges: z.strictObject({
    terms: z
      .array(
        z.union([
          z.strictObject({
            kind: z.literal('header'),
            name: z.string().min(1).max(1000),
            value: z.string().min(1).max(1000).optional(),
          }),
          z.strictObject({ kind: z.literal('body'), text: z.string().min(1).max(1000) }),
        ]),
      )
      .max(16),
  }),
  clear: z.strictObject({ upToSeq: whole(0, Number.MAX_SAFE_INTEGER).optional() }),
  pauseCapture: none,
  resumeCapture: none,
  getSettings: none,
  updateSettings: z.strictObject({
    bodyCapBytes: whole(0, 1024 ** 3).optional(),
    maxExchanges: whole(1, 10_000_000).optional(),
    maxTotalBodyBytes: whole(0, 64 * 1024 ** 3).optional(),
  }),
  resend: z.strictObject({ id: text, edits: edits.optional() }),
  launchBrowser: ids('listenerId'),
  getChaos: ids('listenerId'),
  setChaos: z.strictObject({ listenerId: text, active: z.boolean().optional(), stages: z.unknown().optional() }),
  listSessions: z.strictObject({
    location: text
      .max(1024)
      .regex(/^s3:\/\/\S+$/i, 'must be an S3 location like s3://bucket/prefix (local sessions need no location)')
      .optional(),
  }),
  getRecording: ids('listenerId'),
  startRecording: z.strictObject({ listenerId: text, name: text.optional() }),
  stopRecording: ids('listenerId'),
  setStandIn: z.strictObject({ listenerId: text, sessionId: text.optional() }),
  renameSession: ids('sessionId', 'name'),
  deleteSession: ids('sessionId'),
  exportHar: z.strictObject({ sessionId: text.optional() }),
  importHar: z.strictObject({ fileName: text, content: z.string() }),
  replaySession: z.strictObject({
    listenerId: text,
    sessionId: text,
    target: text.optional(),
    concurrency: whole(1, 256).optional(),
    limit: whole(1, 10_000_000).optional(),
    speed: z.union([z.literal('max'), z.number().gt(0).max(1000)]).optional(),
  }),
  startClockDemo: z.strictObject({ intervalMs: whole(10, 60_000).optional() }),
  getCa: none,
  listBlockKinds: none,
  checkPipeline: z.strictObject({ listenerId: text, pipeline: list }),
  setPipeline: z.strictObject({ listenerId: text, pipeline: list }),
  exportPipeline: z.strictObject({ listenerId: text.optional() }),
  listPaused: none,
  getPaused: ids('id'),
  continuePaused: z.strictObject({ id: text, edits: edits.optional() }),
  abortPaused: ids('id'),
  respondPaused: z.strictObject({
    id: text,
    status: whole(100, 599),
    reason: z
      .string()
      .max(1000)
      .regex(/^[^\r\n]*$/, 'must be one line')
      .optional(),
    headers: headerList.optional(),
    body: bodyEdit.optional(),
  }),
}

export function validateArgs(name: CommandName, args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return `${name}: arguments must be an object`
  const parsed = COMMAND_SCHEMAS[name].safeParse(args)
  if (parsed.success) return undefined
  const issue = parsed.error.issues[0]!
  const field = issue.path.length ? `"${issue.path.map(String).join('.')}"` : 'the arguments'
  return `${name}: ${field} ${describeIssue(issue)}`
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `have unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
    case 'invalid_type':
      return issue.expected === 'string'
        ? 'must be a non-empty string'
        : `must be ${issue.expected === 'number' ? 'a number' : issue.expected === 'boolean' ? 'true or false' : `a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`}`
    case 'too_small':
      return issue.origin === 'string'
        ? 'must be a non-empty string'
        : issue.origin === 'array'
          ? 'must not be empty'
          : `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`
    case 'too_big':
      return issue.origin === 'array' ? `must hold at most ${issue.maximum} items` : `must be at most ${issue.maximum}`
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`
    default:
      return issue.message.replace(/^Invalid input: ?/, 'is not valid: ')
  }
}
