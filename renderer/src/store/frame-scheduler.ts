/**
 * Flushes on the next animation frame but no more often than every `minGapMs` (HTTP Toolkit flushes its
 * event queue per frame; at 5,000 exchanges/s a 100 ms floor keeps the table calm and the work small).
 * A timer backs up the frame, since hidden windows get no animation frames.
 */
export function frameScheduler(minGapMs = 100): (flush: () => void) => void {
  let last = 0
  return (flush) => {
    let done = false
    const run = (): void => {
      if (done) return
      done = true
      last = performance.now()
      flush()
    }
    const wait = Math.max(0, last + minGapMs - performance.now())
    setTimeout(() => requestAnimationFrame(run), wait)
    setTimeout(run, wait + 250)
  }
}
