import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRendererBuilt } from '../../electron/web/renderer-build.ts'

test('a UI folder that already has its index.html is served as it is, with no build and nothing said', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-built-ui-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'index.html'), '<p>ui</p>')
  const said: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array) => {
    said.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  const started = performance.now()
  try {
    await ensureRendererBuilt(dir)
  } finally {
    process.stderr.write = write
  }
  assert.deepEqual(said, [])
  assert.ok(performance.now() - started < 1000, 'no build ran')
})
