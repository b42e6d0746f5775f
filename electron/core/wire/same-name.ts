/** Comparing header names as HTTP does: ASCII letters in any case. Kept here, below message/, so the wire can use it too. */

/**
 * Whether a header name is `lower` (already lower-cased), ignoring case. Header names are tokens (ASCII,
 * RFC 9110 §5.1), so names of another length are not compared at all, and the rest are compared letter by letter
 * with ASCII folded, making no string: lower-casing each name compared made a string per header on every exchange.
 * A name with a character beyond ASCII is lower-cased as before.
 */
export function sameName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || sameNameAt(name, 0, lower))
}

/**
 * Whether the `lower.length` characters of `text` from `at` are `lower` ignoring case, read in place (a header name
 * inside a longer text, such as a packed header list): ASCII letters folded one by one, no string made; a name with
 * a character beyond ASCII is lower-cased as a whole.
 */
export function sameNameAt(text: string, at: number, lower: string): boolean {
  const n = lower.length
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(at + i)
    if (c > 127) return text.slice(at, at + n).toLowerCase() === lower
    if (c >= 65 && c <= 90) c += 32
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}
