// Loaded with `node --expose-gc --import` into a server process a test starts: on SIGUSR2 it collects
// garbage (twice, a turn apart, so finalizers queued by the first run) and then writes `gc done` to stderr.
process.on('SIGUSR2', () => {
  globalThis.gc()
  setImmediate(() => {
    globalThis.gc()
    setTimeout(() => process.stderr.write('gc done\n'), 50)
  })
})
