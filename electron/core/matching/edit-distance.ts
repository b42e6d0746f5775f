/**
 * Levenshtein distance (insertions, deletions, substitutions, each costing 1), for "did you mean" hints:
 * the nearest flag to a typo, the nearest recorded path to a stand-in miss. Strings past `cap` characters are
 * compared on their first `cap`, plus the difference in length, so a long URL costs O(cap²) at most.
 */
export function editDistance(a: string, b: string, cap = 256): number {
  const extra = Math.abs(Math.max(a.length, cap) - Math.max(b.length, cap))
  const x = a.slice(0, cap)
  const y = b.slice(0, cap)
  let row = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const next = [i]
    for (let j = 1; j <= y.length; j++)
      next[j] = Math.min(next[j - 1]! + 1, row[j]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    row = next
  }
  return row[y.length]! + extra
}
