// A record whose header JSON ends close to its slab's end: the appender must leave room after the JSON for the
// bodies and newlines (and for a frame line longer than guessed), or take a fresh slab; never write past the end.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LogAppender } from '../../electron/recording/log-appender.ts'
import { encodeRecord } from '../../electron/recording/record-log.ts'
import { exchange, tempDir } from './support.ts'

test('records whose header ends at every place near the end of a 4 KiB slab are each written whole, bodies and all', async () => {
  const t = await tempDir()
  try {
    // With a 4 KiB slab, the note's length moves the header's end across the last 300 bytes of the slab and past its end.
    for (let n = 3450; n < 3750; n++) {
      const file = join(t.dir, `log-${n}`)
      const fd = openSync(file, 'a')
      try {
        const appender = new LogAppender(fd, 0, 0, { slabBytes: 4096 })
        const x = {
          ...exchange({ method: 'POST', requestBody: Buffer.alloc(100, 7), responseBody: 'ok' }),
          note: 'n'.repeat(n),
        }
        appender.add(x)
        appender.flush()
        assert.deepEqual(readFileSync(file), encodeRecord(x), `a note of ${n} characters`)
      } finally {
        closeSync(fd)
      }
    }
  } finally {
    await t.remove()
  }
})

test('a record with a header of 300 KB of escapes and two bodies of 60 KB, past the usual slab, is written whole', async () => {
  const t = await tempDir()
  try {
    const file = join(t.dir, 'log')
    const fd = openSync(file, 'a')
    try {
      const appender = new LogAppender(fd, 0, 0)
      const x = exchange({
        method: 'POST',
        requestBody: Buffer.alloc(60_000, 1),
        responseBody: Buffer.alloc(60_000, 2),
        responseHeaders: [['X-Escaped', '\u0001'.repeat(50_000)]],
      })
      appender.add(x)
      appender.flush()
      assert.deepEqual(readFileSync(file), encodeRecord(x))
    } finally {
      closeSync(fd)
    }
  } finally {
    await t.remove()
  }
})
