// A node:test reporter that test/run.mjs adds beside the usual one: one JSON line per skipped test or suite
// ({ name, file, reason, suite }), so the run can close by saying how many were skipped and why.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' || event.data.skip === undefined || event.data.skip === false) continue
    const { name, file, skip, details } = event.data
    yield `${JSON.stringify({ name, file, reason: skip === true ? 'skipped' : String(skip), suite: details?.type === 'suite' })}\n`
  }
}
