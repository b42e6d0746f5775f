/**
 * Every IPC message's sender is checked: only our own renderer page, loaded from the built files, may
 * drive the host. A frame from anywhere else (a navigated-away page, an injected iframe) is refused.
 */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const frame = new URL(frameUrl)
    const ours = new URL(rendererUrl)
    return frame.protocol === ours.protocol && frame.host === ours.host && frame.pathname === ours.pathname
  } catch {
    return false
  }
}
