import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LogAppender } from '../../electron/recording/log-appender.ts'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import { exchange, tempDir } from './support.ts'

/** Runs `body` with an empty log file opened with `flags` ('a' to append; 'r' makes every write fail), then cleans up. */
async function withLogFile(flags: 'a' | 'r', body: (fd: number, file: string) => Promise<void> | void): Promise<void> {
  const t = await tempDir()
  const file = join(t.dir, 'exchanges.log')
  writeFileSync(file, '')
  const fd = openSync(file, flags)
  try {
    await body(fd, file)
  } finally {
    closeSync(fd)
    await t.remove()
  }
}

test('records appended are the same bytes as records encoded one by one, whatever their body sizes', () =>
  withLogFile('a', (fd, file) => {
    // A tiny slab and reference size, so records outgrow the slab and some bodies are written from their own buffers.
    const appender = new LogAppender(fd, 0, 0, { slabBytes: 300, referenceBytes: 100 })
    const sizes = [0, 5, 99, 100, 250, 1000, 3, 0, 4000, 64]
    const xs = sizes.map((n, i) => exchange({ url: `http://example.com/${i}`, requestBody: Buffer.alloc(sizes[sizes.length - 1 - i]!, 65 + i), responseBody: Buffer.alloc(n, 97 + i) }))
    const heard: Array<Error | undefined> = []
    xs.forEach((x) => appender.add(x, (e) => heard.push(e)))
    assert.deepEqual(readFileSync(file), Buffer.concat(xs.map(encodeRecord)))
    assert.deepEqual(heard, xs.map(() => undefined))
    assert.equal(appender.count, xs.length)
    assert.equal(decodeLog(readFileSync(file), file).records.length, xs.length)
  }))

test('a record is in the file, whole, by the time add returns', () =>
  withLogFile('a', (fd, file) => {
    const appender = new LogAppender(fd, 0, 0)
    const xs = [0, 10, 70_000].map((n, i) => exchange({ url: `http://example.com/${i}`, responseBody: Buffer.alloc(n, 97 + i) }))
    xs.forEach((x, i) => {
      let heard: Error | undefined | 'nothing' = 'nothing'
      appender.add(x, (e) => { heard = e })
      // No await: what a kill -9 right now would leave on disk.
      assert.deepEqual(readFileSync(file), Buffer.concat(xs.slice(0, i + 1).map(encodeRecord)))
      assert.equal(heard, undefined)
      assert.equal(appender.count, i + 1)
    })
  }))

test('records that cannot be written are each told so and counted as failures', () =>
  withLogFile('r', (fd) => {
    const appender = new LogAppender(fd, 0, 0)
    const heard: Array<Error | undefined> = []
    for (let i = 0; i < 3; i++) appender.add(exchange(), (e) => heard.push(e))
    assert.equal(heard.length, 3)
    for (const e of heard) assert.ok(e instanceof Error, 'each record hears the error')
    assert.equal(appender.failures, 3)
    assert.equal(appender.count, 0)
    assert.match(appender.lastError ?? '', /EBADF/)
  }))
