/**
 * The version a message head names, as the messages carry it (`'1.1'`). The usual two are shared strings, so a
 * message, and a capture record that keeps its version, holds no string of its own for it.
 */
export function httpVersion(major: number, minor: number): string {
  if (major === 1) {
    if (minor === 1) return HTTP_1_1
    if (minor === 0) return HTTP_1_0
  }
  return `${major}.${minor}`
}

const HTTP_1_1 = '1.1'
const HTTP_1_0 = '1.0'
