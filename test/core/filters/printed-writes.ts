/** What the wire printer writes, one write at a time: `next()` waits up to 1 s for the next one. */
export function collect(): { out: { write(s: string): void }; next(): Promise<string> } {
  const writes: string[] = []
  let wake: (() => void) | undefined
  return {
    out: {
      write(s) {
        writes.push(s)
        wake?.()
      },
    },
    async next() {
      if (writes.length === 0)
        await Promise.race([
          new Promise<void>((resolve) => (wake = resolve)),
          new Promise((_, reject) => setTimeout(() => reject(new Error('nothing printed in 1 s')), 1000).unref()),
        ])
      return writes.shift()!
    },
  }
}
