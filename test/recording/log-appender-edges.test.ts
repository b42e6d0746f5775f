import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LogAppender } from '../../electron/recording/log-appender.ts'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import type { RecordedExchange } from '../../electron/recording/recorded-exchange.ts'
import { exchange, tempDir } from './support.ts'

async function withLog(flags: 'a' | 'r', body: (fd: number, file: string) => void): Promise<void> {
  const t = await tempDir()
  const file = join(t.dir, 'exchanges.log')
  writeFileSync(file, '')
  const fd = openSync(file, flags)
  try {
    body(fd, file)
  } finally {
    closeSync(fd)
    await t.remove()
  }
}

test('a record whose bodies are not bytes is refused at once, and nothing of it reaches the log', () =>
  withLog('a', (fd, file) => {
    const appender = new LogAppender(fd, 0, 5)
    const good = exchange({ responseBody: 'kept' })
    const bad = { ...good, response: { ...good.response, body: 'text' } } as unknown as RecordedExchange
    assert.throws(
      () => appender.add(bad),
      (e: Error) =>
        e instanceof TypeError && e.message === 'a recorded exchange needs both bodies as bytes (Uint8Array)',
    )
    const badRequest = { ...good, request: { ...good.request, body: [1, 2] } } as unknown as RecordedExchange
    assert.throws(() => appender.add(badRequest), TypeError)
    assert.equal(appender.pending, 0)
    appender.add(good)
    appender.flush()
    assert.deepEqual(readFileSync(file), encodeRecord(good))
    assert.equal(appender.count, 6, 'counted on from the records already in the file')
  }))

test('a listener that throws costs the others nothing', () =>
  withLog('a', (fd, file) => {
    const appender = new LogAppender(fd, 0, 0)
    const heard: string[] = []
    appender.add(exchange(), () => {
      heard.push('first')
      throw new Error('a listener broke')
    })
    appender.add(exchange(), (e) => heard.push(e === undefined ? 'second: written' : 'second: failed'))
    appender.flush()
    assert.deepEqual(heard, ['first', 'second: written'])
    assert.equal(decodeLog(readFileSync(file), 'x').records.length, 2)
    appender.flush()
    assert.equal(decodeLog(readFileSync(file), 'x').records.length, 2, 'a flush with nothing pending writes nothing')
  }))

test('after a failed write the next records are counted from what the file holds, and later failures add up', () =>
  withLog('r', (fd) => {
    const appender = new LogAppender(fd, 0, 2)
    appender.add(exchange())
    appender.flush()
    appender.add(exchange())
    appender.add(exchange())
    appender.flush()
    assert.equal(appender.failures, 3)
    assert.equal(appender.count, 2)
    assert.equal(appender.pending, 0)
  }))
