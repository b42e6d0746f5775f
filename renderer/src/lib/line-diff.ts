/**
 * Line differences for Compare: a longest-common-subsequence diff (fine for the sizes an inspector compares; past
 * MAX_LINES a side, it says so instead of freezing the window), and JSON made comparable (keys sorted, pretty).
 */
export type DiffRow =
  | { readonly kind: 'same'; readonly a: string; readonly b: string }
  | { readonly kind: 'changed'; readonly a: string | undefined; readonly b: string | undefined }

/** Lines per side past which no line diff is made (the table costs lines × lines). */
export const MAX_LINES = 2000

/** Rows for a side-by-side view: equal lines paired, and each run of differing lines paired up in order. */
export function lineDiff(a: readonly string[], b: readonly string[]): DiffRow[] | undefined {
  if (a.length > MAX_LINES || b.length > MAX_LINES) return undefined
  const n = a.length,
    m = b.length
  const w = m + 1
  const lcs = new Uint32Array((n + 1) * w)
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!)
    }
  }
  const rows: DiffRow[] = []
  let onlyA: string[] = [],
    onlyB: string[] = []
  const flush = (): void => {
    for (let k = 0; k < Math.max(onlyA.length, onlyB.length); k++)
      rows.push({ kind: 'changed', a: onlyA[k], b: onlyB[k] })
    onlyA = []
    onlyB = []
  }
  let i = 0,
    j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush()
      rows.push({ kind: 'same', a: a[i]!, b: b[j]! })
      i++
      j++
    } else if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) onlyA.push(a[i++]!)
    else onlyB.push(b[j++]!)
  }
  flush()
  return rows
}

/** JSON with its keys sorted at every level, two-space indented: two documents differing only in key order compare equal. */
export function comparableJson(text: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v
  return JSON.stringify(sorted(value), null, 2)
}
