/** Names the hot spots of a V8 `.cpuprofile`: the functions with the most self time and the most inclusive time. */
export interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
  children?: number[]
}
export interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url.replace(/^file:\/\/.*?\/(electron|bench|node_modules)\//, '$1/').replace(/^node:/, 'node:')
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const n of profile.nodes) {
    const l = label(n)
    self.set(l, (self.get(l) ?? 0) + n.hitCount)
    const seen = new Set<string>()
    for (let at: number | undefined = n.id; at !== undefined; at = parent.get(at)) {
      const al = label(byId.get(at)!)
      if (seen.has(al)) continue
      seen.add(al)
      inclusive.set(al, (inclusive.get(al) ?? 0) + n.hitCount)
    }
  }
  const pct = (v: number): string => `${((v / total) * 100).toFixed(1).padStart(5)}%`
  const list = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, v]) => `  ${pct(v)}  ${l}`)
      .join('\n')
  return `samples: ${total}\nself time:\n${list(self)}\ninclusive time (top, excluding roots):\n${list(new Map([...inclusive].filter(([l]) => !/^\((root|program|garbage collector)\)/.test(l))))}`
}
