/**
 * The pipeline file (`nanoscope run FILE`, `serve --pipeline FILE`): listeners, each an address, a target or
 * none (forward proxy), the proxy options of the CLI as fields, and an ordered list of blocks.
 *
 * `checkPipelineFile` finds every problem at once, each named by its JSON path
 * (`listeners[0].pipeline[2].use: unknown block "x" (known: …)`), including what a schema cannot see (a
 * folder that must exist, two listeners on one port).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { BlockCommon, BlockProblem } from './block.ts'
import { BLOCK_KINDS, BLOCK_NAMES, blockKind } from './registry.ts'

const hostList = z.array(z.string().min(1))

export const listenerSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .describe('shown in the window and on the marks of exchanges (default: listener N)'),
  host: z.string().min(1).optional().describe('address to listen on (default 127.0.0.1)'),
  port: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be from 0 to 65535')
    .max(65535, 'must be from 0 to 65535')
    .optional()
    .describe('0 picks a free port (default 8080)'),
  target: z
    .string()
    .refine((s) => {
      try {
        const u = new URL(s)
        return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash
      } catch {
        return false
      }
    }, 'must be an http:// or https:// URL without query or fragment')
    .optional()
    .describe('reverse proxy: every request goes under this base URL; absent: a forward proxy (HTTP_PROXY, CONNECT)'),
  httpsUpstream: z.boolean().optional().describe("plain HTTP in, HTTPS out (seed app 1's switch)"),
  noIntercept: z.boolean().optional().describe('tunnel CONNECT untouched instead of decrypting HTTPS'),
  passthrough: hostList.optional().describe('hosts whose TLS is left alone'),
  insecureUpstream: z.boolean().optional().describe('do not verify upstream certificates'),
  h2cUpstream: z.boolean().optional().describe('speak h2c (HTTP/2 with prior knowledge) to http:// upstreams'),
  upstreamCa: z
    .array(z.string().min(1))
    .optional()
    .describe('PEM files of extra CAs to trust upstream, relative to this file'),
  allowHosts: hostList.optional().describe('forward only to these hosts; others get a 403'),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional().describe('upstream response-head timeout'),
  pipeline: z.array(z.unknown()).describe('blocks, in the order a request meets them'),
})
export type ListenerFields = z.infer<typeof listenerSchema>
export type Listener = Omit<ListenerFields, 'pipeline'> & { readonly pipeline: readonly BlockCommon[] }

export interface PipelineFile {
  readonly listeners: readonly Listener[]
}

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  listeners: z.array(z.unknown()).min(1, 'must list at least one listener'),
})

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly string[] }

/** Validates a parsed pipeline file; `baseDir` is where its relative paths point (the file's folder). */
export function checkPipelineFile(json: unknown, baseDir: string): Checked<PipelineFile> {
  const problems: string[] = []
  const top = fileSchema.safeParse(json)
  if (!top.success) return { ok: false, problems: issues(top.error, []) }
  const listeners: Listener[] = []
  const indices: number[] = []
  top.data.listeners.forEach((raw, i) => {
    const where: (string | number)[] = ['listeners', i]
    const parsed = listenerSchema.safeParse(raw)
    if (!parsed.success) {
      problems.push(...issues(parsed.error, where))
      return
    }
    const blocks = checkBlocks(parsed.data.pipeline, baseDir, [...where, 'pipeline'])
    if (!blocks.ok) {
      problems.push(...blocks.problems)
      return
    }
    for (const [j, file] of (parsed.data.upstreamCa ?? []).entries()) {
      const full = path.resolve(baseDir, file)
      try {
        if (!readFileSync(full, 'utf8').includes('-----BEGIN CERTIFICATE-----'))
          problems.push(`${jsonPath([...where, 'upstreamCa', j])}: ${full} holds no PEM certificate`)
      } catch {
        problems.push(`${jsonPath([...where, 'upstreamCa', j])}: cannot read ${full}`)
      }
    }
    listeners.push({ ...parsed.data, pipeline: blocks.value })
    indices.push(i)
  })
  const seen = new Map<string, number>()
  listeners.forEach((l, k) => {
    const i = indices[k]!
    const port = l.port ?? 8080
    if (port === 0) return
    const key = `${l.host ?? '127.0.0.1'}:${port}`
    const first = seen.get(key)
    if (first !== undefined) problems.push(`listeners[${i}].port: ${key} is also listeners[${first}]'s address`)
    else seen.set(key, i)
  })
  return problems.length ? { ok: false, problems } : { ok: true, value: { listeners } }
}

/** Validates a list of blocks (a listener's pipeline, or what the window sends). */
export function checkBlocks(
  raw: readonly unknown[],
  baseDir: string,
  where: (string | number)[] = [],
): Checked<BlockCommon[]> {
  const problems: string[] = []
  const blocks: BlockCommon[] = []
  raw.forEach((block, k) => {
    const at = [...where, k]
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      problems.push(`${jsonPath(at)}: must be an object with a "use" field`)
      return
    }
    const use = (block as { use?: unknown }).use
    if (typeof use !== 'string') {
      problems.push(`${jsonPath([...at, 'use'])}: must name a block (known: ${BLOCK_NAMES.join(', ')})`)
      return
    }
    const kind = blockKind(use)
    if (!kind) {
      problems.push(`${jsonPath([...at, 'use'])}: unknown block "${use}" (known: ${BLOCK_NAMES.join(', ')})`)
      return
    }
    const parsed = kind.schema.safeParse(block)
    if (!parsed.success) {
      problems.push(...issues(parsed.error, at))
      return
    }
    const found: BlockProblem[] = kind.check?.(parsed.data, baseDir) ?? []
    problems.push(...found.map((p) => `${jsonPath([...at, ...p.path])}: ${p.message}`))
    blocks.push(parsed.data)
  })
  return problems.length ? { ok: false, problems } : { ok: true, value: blocks }
}

function issues(error: z.ZodError, where: readonly (string | number)[]): string[] {
  return error.issues.map(
    (issue) =>
      `${jsonPath([...where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))])}: ${message(issue)}`,
  )
}

function message(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`
  return issue.message
}

/** `listeners[0].pipeline[2].respond.status` */
export function jsonPath(parts: readonly (string | number)[]): string {
  let out = ''
  for (const p of parts)
    out +=
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_$][\w$]*$/.test(p)
          ? `${out ? '.' : ''}${p}`
          : `[${JSON.stringify(p)}]`
  return out || '$'
}

/** One block kind's JSON Schema (the window draws a block's form from it). */
export function blockJsonSchema(kind: { readonly schema: z.ZodType }): Record<string, unknown> {
  return z.toJSONSchema(kind.schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>
}

/** The file's JSON Schema (`nanoscope run --schema`), generated from the same schemas that validate it. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const block = z.union(BLOCK_KINDS.map((k) => k.schema) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])
  const file = z
    .strictObject({
      $schema: z.string().optional(),
      listeners: z.array(listenerSchema.extend({ pipeline: z.array(block) })).min(1),
    })
    .describe('A Nanoscope pipeline file: listeners, each an ordered list of blocks (nanoscope run FILE)')
  return z.toJSONSchema(file, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>
}
