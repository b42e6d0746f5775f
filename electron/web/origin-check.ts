/**
 * DNS-rebinding and cross-origin guards for the local UI server. A page on another origin cannot open our
 * WebSocket (its Origin is foreign), and a rebinding hostname cannot reach us (its Host is not ours).
 */
const LOCAL_NAMES = ['127.0.0.1', 'localhost', '[::1]']

export function isOurHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false
  return LOCAL_NAMES.some((name) => hostHeader.toLowerCase() === `${name}:${port}`)
}

/** Browsers always send Origin on WebSockets; non-browser clients (tests, scripts) may omit it. */
export function isOurOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return LOCAL_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`)
}
