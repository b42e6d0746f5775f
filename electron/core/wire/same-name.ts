/** Comparing header names as HTTP does: ASCII letters in any case. Kept here, below message/, so the wire can use it too. */

/**
 * Whether a header name is `lower` (already lower-cased), ignoring case. Header names are tokens (ASCII,
 * RFC 9110 §5.1), so names of another length are not compared at all, and the rest are compared letter by letter
 * with ASCII folded, making no string: lower-casing each name compared made a string per header on every exchange.
 * A name with a character beyond ASCII is lower-cased as before.
 */
export function sameName(name: string, lower: string): boolean {
  const n = name.length
  if (n !== lower.length) return false
  if (name === lower) return true
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i)
    if (c > 127) return name.toLowerCase() === lower
    if (c >= 65 && c <= 90) c += 32
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}
