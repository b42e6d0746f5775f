export interface FoundBrowser {
  readonly path: string
  /** Which was used, in words: 'NANOSCOPE_CHROMIUM', 'the system Chromium or Chrome', '@sparticuz/chromium 147.0.0'. */
  readonly source: string
  /** What the browser's process needs added to its environment. */
  readonly env?: Record<string, string>
}
export function findBrowser(): FoundBrowser | { readonly missing: string }
