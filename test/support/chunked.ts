/**
 * Decodes a chunked body (RFC 9112 §7.1) strictly: every chunk-size line in hex (extensions allowed), each chunk's
 * data followed by CRLF, then the last chunk, optional trailer fields, the final CRLF, and nothing after it. Throws,
 * naming the offset, on anything else. Where a sender cuts the chunks is its own business: only the decoded bytes
 * and the framing's validity are HTTP's promise.
 */
export function decodeChunked(framed: Buffer): { body: Buffer; chunks: number; trailers: string[] } {
  const parts: Buffer[] = []
  let at = 0
  const line = (): string => {
    const end = framed.indexOf('\r\n', at)
    if (end < 0) throw new Error(`chunked framing: no CRLF after offset ${at}`)
    const text = framed.subarray(at, end).toString('latin1')
    at = end + 2
    return text
  }
  for (;;) {
    const sizeLine = line()
    const match = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(sizeLine)
    if (!match) throw new Error(`chunked framing: bad chunk-size line ${JSON.stringify(sizeLine)} before offset ${at}`)
    const size = parseInt(match[1]!, 16)
    if (size === 0) break
    if (at + size + 2 > framed.length) throw new Error(`chunked framing: a chunk of ${size} bytes runs past the end`)
    parts.push(framed.subarray(at, at + size))
    at += size
    if (framed.subarray(at, at + 2).toString('latin1') !== '\r\n')
      throw new Error(`chunked framing: no CRLF after the chunk data at offset ${at}`)
    at += 2
  }
  const trailers: string[] = []
  for (let field = line(); field !== ''; field = line()) trailers.push(field)
  if (at !== framed.length) throw new Error(`chunked framing: ${framed.length - at} bytes after the last chunk`)
  return { body: Buffer.concat(parts), chunks: parts.length, trailers }
}
