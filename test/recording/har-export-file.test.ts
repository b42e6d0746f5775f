// A session exported as a HAR file (`nanoscope har export --out`, the Sessions pane's export): the file a user opens.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createSession } from '../../electron/recording/session-store.ts'
import { exportSessionHar } from '../../electron/recording/sessions-api.ts'
import { exchange, tempDir } from './support.ts'

test('a session exported to a HAR file is its HAR as JSON indented by one space, ending in a newline', async () => {
  const t = await tempDir()
  try {
    const dir = join(t.dir, 'shop')
    const writer = await createSession(dir, { name: 'Shop' })
    await writer.append(exchange({ url: 'http://h.test/cart' }))
    await writer.close()
    const out = join(t.dir, 'shop.har')
    const { har } = await exportSessionHar(dir, out)
    const text = await readFile(out, 'utf8')
    assert.equal(text, `${JSON.stringify(har, null, 1)}\n`)
    assert.equal(har.log.comment, 'Nanoscope session "Shop"')
    assert.deepEqual(
      har.log.entries.map((e) => e.request.url),
      ['http://h.test/cart'],
    )
  } finally {
    await t.remove()
  }
})
