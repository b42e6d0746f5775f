/** The pseudo-header fields of an HTTP/2 header block (RFC 9113 §8.3), kept for the inspector as the wire had them. */
import type { Header, Headers } from '../message.ts'

/** The pseudo-header fields (names starting with `:`) of a raw `[name, value, …]` block, in order, frozen. */
export function pseudoHeaders(raw: readonly string[]): Headers {
  const out: Header[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    if (name.charCodeAt(0) === 58 /* : */) out.push(Object.freeze([name, raw[i + 1]!] as const))
  }
  return Object.freeze(out)
}
