/**
 * Host patterns for the passthrough list: `example.com` matches that host only; `*.example.com` matches any
 * name under it (`a.example.com`, `a.b.example.com`) but not `example.com` itself; `*` matches every host.
 * Matching ignores case and a trailing dot.
 */
export type HostMatcher = (host: string) => boolean

export function hostMatcher(patterns: readonly string[]): HostMatcher {
  const exact = new Set<string>()
  // Stryker disable next-line ArrayDeclaration: the entry Stryker seeds has capitals, which no lower-cased name ends with
  const suffixes: string[] = []
  let all = false
  for (const raw of patterns) {
    const pattern = normalise(raw)
    if (pattern === '') continue
    if (pattern === '*') all = true
    else if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1))
    else exact.add(pattern)
  }
  return function matchesHost(host: string): boolean {
    if (all) return true
    const name = normalise(host)
    return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix))
  }
}

/** Splits `a.com, *.b.com` (the `--passthrough` flag's form) into patterns. */
export function parseHostList(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function normalise(host: string): string {
  // Stryker disable next-line MethodExpression: patterns and hosts both pass through here, so any one case compares alike
  const lower = host.toLowerCase()
  return lower
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
}
