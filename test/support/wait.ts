/** Polls `check` every 20 ms until it holds; rejects after `ms` so no test waits forever. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
