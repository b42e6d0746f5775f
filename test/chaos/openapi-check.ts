/**
 * A small structural check of an OpenAPI 3 document: the version, every path's operations having responses,
 * unique operationIds, and every `$ref` resolving inside the document. Returns the problems found.
 */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

export function openApiProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = []
  if (typeof doc.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(doc.openapi))
    problems.push(`openapi must be 3.x.y, got ${String(doc.openapi)}`)
  const info = doc.info as { title?: unknown; version?: unknown } | undefined
  if (typeof info?.title !== 'string' || typeof info.version !== 'string')
    problems.push('info needs a title and a version')
  const paths = doc.paths as Record<string, Record<string, unknown>> | undefined
  if (!paths || Object.keys(paths).length === 0) problems.push('paths is empty')
  const ids = new Set<string>()
  for (const [path, item] of Object.entries(paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} must start with /`)
    const ops = Object.keys(item).filter((k) => METHODS.includes(k))
    if (ops.length === 0) problems.push(`${path} has no operations`)
    for (const method of ops) {
      const op = item[method] as { operationId?: string; responses?: Record<string, { description?: unknown }> }
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${method} ${path} has no responses`)
      for (const [code, r] of Object.entries(op.responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code))
          problems.push(`${method} ${path} has a bad response code ${code}`)
        if (typeof r.description !== 'string') problems.push(`${method} ${path} ${code} needs a description`)
      }
      if (op.operationId) {
        if (ids.has(op.operationId)) problems.push(`operationId ${op.operationId} is repeated`)
        ids.add(op.operationId)
      }
    }
  }
  walk(doc, '#', (ref, at) => {
    if (resolvePointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`)
  })
  return problems
}

function walk(node: unknown, at: string, onRef: (ref: string, at: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${at}/${i}`, onRef))
    return
  }
  if (typeof node !== 'object' || node === null) return
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') onRef(v, at)
    else if (k === 'mapping' && typeof v === 'object' && v)
      for (const target of Object.values(v)) onRef(String(target), `${at}/mapping`)
    else walk(v, `${at}/${k}`, onRef)
  }
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = doc
  for (const part of ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}
