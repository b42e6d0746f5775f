// node:test reporter for file-runner.mjs: notes each failed test in the global file-runner-hook.mjs writes out, and,
// when the run may bail, ends the process at the first one (the mutant is killed; the rest of the file cannot
// change that). Prints nothing.
export default async function* firstFailure(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail' || event.data.todo || event.data.skip) continue
    const cause = event.data.details?.error?.cause ?? event.data.details?.error
    globalThis.__nanoscopeMutantFailures__?.push({
      name: event.data.name,
      message: String(cause?.message ?? cause)
        .split('\n')[0]
        .slice(0, 300),
    })
    if (process.env.NANOSCOPE_MUTANT_BAIL) process.exit(1)
  }
  yield ''
}
