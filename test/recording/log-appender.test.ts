import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LogAppender } from '../../electron/recording/log-appender.ts'
import { decodeLog, encodeRecord } from '../../electron/recording/record-log.ts'
import { headJson } from '../../electron/recording/head-bytes.ts'
import { exchange, tempDir } from './support.ts'
import { beforeHeldWritesLeave, holdWritesForTurn } from '../../electron/core/wire/turn-writes.ts'
import { socketPair } from '../core/socket-pair.ts'
import { within } from '../core/server/net-fixtures.ts'

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
    const xs = sizes.map((n, i) =>
      exchange({
        url: `http://example.com/${i}`,
        requestBody: Buffer.alloc(sizes[sizes.length - 1 - i]!, 65 + i),
        responseBody: Buffer.alloc(n, 97 + i),
      }),
    )
    const heard: Array<Error | undefined> = []
    xs.forEach((x) => appender.add(x, (e) => heard.push(e)))
    appender.flush()
    assert.deepEqual(readFileSync(file), Buffer.concat(xs.map(encodeRecord)))
    assert.deepEqual(
      heard,
      xs.map(() => undefined),
    )
    assert.equal(appender.count, xs.length)
    assert.equal(decodeLog(readFileSync(file), file).records.length, xs.length)
  }))

test('records whose header JSON has more or fewer digits of length than the record before it, or is not ASCII, are the same bytes as records encoded one by one', () =>
  withLogFile('a', (fd, file) => {
    const appender = new LogAppender(fd, 0, 0)
    const withPath = (path: string) => exchange({ url: `http://example.com/${path}`, responseBody: Buffer.from('ok') })
    const xs = [
      withPath('a'.repeat(2000)),
      withPath('plain'),
      withPath('é'.repeat(600)),
      withPath('日本語'),
      withPath('x'.repeat(10_000)),
      withPath(''),
    ]
    const lengths = xs.map((x) => String(Buffer.byteLength(headJson(x))).length)
    assert.deepEqual(lengths, [4, 3, 4, 3, 5, 3], 'the cases the test is for')
    xs.forEach((x) => appender.add(x))
    appender.flush()
    assert.deepEqual(readFileSync(file), Buffer.concat(xs.map(encodeRecord)))
    assert.deepEqual(
      decodeLog(readFileSync(file), file).records.map((r) => r.request.url),
      xs.map((x) => x.request.url),
    )
  }))

test('records whose header JSON outgrows what is left of a slab, or a whole slab, even with strings to escape, are the same bytes as records encoded one by one', () =>
  withLogFile('a', (fd, file) => {
    const appender = new LogAppender(fd, 0, 0, { slabBytes: 4096 })
    const withHeader = (value: string) =>
      exchange({
        requestHeaders: [
          ['Host', 'example.com'],
          ['X-Big', value],
        ],
        responseBody: Buffer.from('ok'),
      })
    const xs = [
      withHeader('small'),
      withHeader('a'.repeat(1500)),
      withHeader('a'.repeat(1900)),
      withHeader('\u0001'.repeat(3000)),
      withHeader('é'.repeat(5000)),
      withHeader('"\\'.repeat(700)),
      withHeader('small'),
    ]
    xs.forEach((x) => appender.add(x))
    appender.flush()
    assert.deepEqual(readFileSync(file), Buffer.concat(xs.map(encodeRecord)))
    assert.deepEqual(
      decodeLog(readFileSync(file), file).records.map((r) => r.request.headers),
      xs.map((x) => x.request.headers),
    )
  }))

test("a turn's records are in the file, whole, at the end of the turn, before the writes it held leave", async () => {
  await withLogFile('a', async (fd, file) => {
    const appender = new LogAppender(fd, 0, 0)
    const { client, peer, close } = await socketPair()
    try {
      const xs = [0, 10, 70_000].map((n, i) =>
        exchange({ url: `http://example.com/${i}`, responseBody: Buffer.alloc(n, 97 + i) }),
      )
      const heard: Array<Error | undefined> = []
      // As the server does: the answer's bytes are held for the turn, and the exchange's record is added.
      holdWritesForTurn(client)
      client.write('the answer')
      xs.forEach((x) => appender.add(x, (e) => heard.push(e)))
      assert.equal(readFileSync(file).byteLength, 0, 'not written record by record')
      assert.equal(appender.pending, 3)
      const onDisk = new Promise<Buffer>((resolve) => peer.once('data', () => resolve(readFileSync(file))))
      // Registered after the appender's flush, so it runs after it and before the held answer is released.
      let atRelease: { fileBytes: number; heldBytes: number } | undefined
      beforeHeldWritesLeave(() => {
        atRelease = { fileBytes: readFileSync(file).byteLength, heldBytes: client.writableLength }
      })
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(
        atRelease,
        { fileBytes: Buffer.concat(xs.map(encodeRecord)).byteLength, heldBytes: 'the answer'.length },
        'the records were written while the answer was still held',
      )
      assert.deepEqual(readFileSync(file), Buffer.concat(xs.map(encodeRecord)), 'all of them, at the end of the turn')
      assert.deepEqual(heard, [undefined, undefined, undefined])
      assert.equal(appender.count, 3)
      // What a kill -9 the moment the client has its answer would leave on disk: every record of that turn.
      assert.deepEqual(await within(2000, onDisk, 'the held answer to arrive'), Buffer.concat(xs.map(encodeRecord)))
    } finally {
      await close()
    }
  })
})

test('a record added with no socket writes held is still written at the end of its turn', async () => {
  await withLogFile('a', async (fd, file) => {
    const appender = new LogAppender(fd, 0, 0)
    const x = exchange({ responseBody: Buffer.from('alone') })
    appender.add(x)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(readFileSync(file), encodeRecord(x))
    assert.equal(appender.pending, 0)
  })
})

test('records that cannot be written are each told so and counted as failures', () =>
  withLogFile('r', (fd) => {
    const appender = new LogAppender(fd, 0, 0)
    const heard: Array<Error | undefined> = []
    for (let i = 0; i < 3; i++) appender.add(exchange(), (e) => heard.push(e))
    appender.flush()
    assert.equal(heard.length, 3)
    for (const e of heard) assert.ok(e instanceof Error, 'each record hears the error')
    assert.equal(appender.failures, 3)
    assert.equal(appender.count, 0)
    assert.match(appender.lastError ?? '', /EBADF/)
  }))
