import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { PassThrough, Readable } from 'node:stream'
import { compose, type HttpHandler } from '../../../electron/core/http.ts'
import { bodyBytes, bodyText, request, response, streamBody } from '../../../electron/core/message.ts'
import { EXCHANGE_SEPARATOR, printExchange } from '../../../electron/core/filters/print-exchange.ts'
import { proxyHost } from '../../../electron/core/filters/proxy-host.ts'
import { isBinary } from '../../../electron/core/filters/wire-text.ts'

/** Collects writes; `written(n)` waits (at most two seconds) until n writes have arrived. */
function collector() {
  const writes: string[] = []
  const waiting: Array<() => void> = []
  return {
    writes,
    write(s: string) {
      writes.push(s)
      waiting.splice(0).forEach((w) => w())
    },
    async written(n: number): Promise<string[]> {
      const deadline = Date.now() + 2000
      while (writes.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} writes, got ${writes.length}`)
        await new Promise<void>((resolve) => {
          waiting.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return writes
    },
  }
}

const echo: HttpHandler = async (req) =>
  response(200, { headers: [['Content-Type', 'text/plain']], body: await bodyBytes(req.body) })

const APPROVED = new URL('./approved/print-exchange.approved.txt', import.meta.url)

test('the wire printer’s rendering matches the approved text', async () => {
  const out = collector()
  const upstream: HttpHandler = async (req) => {
    const body = await bodyText(req.body)
    if (req.target.endsWith('/logo.png')) {
      return response(200, {
        headers: [
          ['Content-Type', 'image/png'],
          ['Content-Length', '8'],
        ],
        body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      })
    }
    return response(201, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      body: streamBody(Readable.from([Buffer.from('{"created":'), Buffer.from(`${JSON.stringify(body)}}`)])),
    })
  }
  const app = compose(proxyHost({ https: true }), printExchange(out, { bodyCap: 24 }))(upstream)
  const created = await app(
    request({
      method: 'POST',
      target: '/users?notify=true',
      headers: [
        ['Host', 'api.example.com'],
        ['content-type', 'text/plain'],
        ['X-Dup', '1'],
        ['x-dup', '2'],
      ],
      body: streamBody(Readable.from([Buffer.from('Ada Lovelace, '), Buffer.from('Countess of Lovelace')])),
    }),
  )
  await bodyBytes(created.body)
  await out.written(1)
  const logo = await app(request({ target: 'http://cdn.example.com/logo.png', headers: [['Accept', 'image/*']] }))
  await bodyBytes(logo.body)
  const text = (await out.written(2)).join('')
  if (process.env.APPROVE === '1') writeFileSync(APPROVED, text)
  assert.equal(text, readFileSync(APPROVED, 'utf8'))
})

test('the wire printer passes a streamed 1 MiB body through byte-identical while printing only the cap', async () => {
  const mib = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < mib.length; i++) mib[i] = 97 + (i % 26)
  const chunks = Array.from({ length: 64 }, (_, i) => mib.subarray(i * 16384, (i + 1) * 16384))
  const out = collector()
  const app = printExchange(out, { bodyCap: 1000 })(async () =>
    response(200, { body: streamBody(Readable.from(chunks), mib.length) }),
  )
  const res = await app(request({ target: '/big', headers: [['Host', 'h']] }))
  assert.equal(res.body.kind === 'stream' && res.body.length, mib.length)
  assert.ok((await bodyBytes(res.body)).equals(mib))
  const [printed = ''] = await out.written(1)
  assert.ok(
    printed.includes(
      `\n\n${mib.subarray(0, 1000).toString()}\n<<${mib.length - 1000} more bytes not shown>>\n${EXCHANGE_SEPARATOR}`,
    ),
    printed.slice(-200),
  )
  assert.ok(printed.length < 1300)
})

test('the wire printer hands each chunk on as it arrives, before the body has ended', async () => {
  const source = new PassThrough()
  const out = collector()
  const res = await printExchange(out)(async () => response(200, { body: streamBody(source) }))(
    request({ target: '/sse' }),
  )
  assert.equal(res.body.kind, 'stream')
  const stream = res.body.kind === 'stream' ? res.body.stream : Readable.from([])
  const first = new Promise<Buffer>((resolve) => stream.once('data', resolve))
  source.write('data: one\n\n')
  assert.equal((await first).toString(), 'data: one\n\n')
  assert.equal(out.writes.length, 0)
  source.end('data: two\n\n')
  stream.resume()
  const [printed = ''] = await out.written(1)
  assert.ok(printed.endsWith(`\n\ndata: one\n\ndata: two\n\n${EXCHANGE_SEPARATOR}`), printed)
})

test('the wire printer prints the request only once its streamed body has been read', async () => {
  const out = collector()
  const body = streamBody(Readable.from([Buffer.from('hello '), Buffer.from('world')]))
  const res = await printExchange(out)(echo)(request({ method: 'PUT', target: '/doc', headers: [['Host', 'h']], body }))
  assert.equal(await bodyText(res.body), 'hello world')
  const [printed = ''] = await out.written(1)
  assert.equal(
    printed,
    `PUT /doc HTTP/1.1\nHost: h\n\nhello world\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\nhello world\n${EXCHANGE_SEPARATOR}`,
  )
})

test('the wire printer writes each exchange in one piece when exchanges overlap', async () => {
  const out = collector()
  const gates = new Map<string, PassThrough>()
  const app = printExchange(out)(async (req) => {
    const gate = new PassThrough()
    gates.set(req.target, gate)
    return response(200, { body: streamBody(gate) })
  })
  const [a, b] = await Promise.all([app(request({ target: '/a' })), app(request({ target: '/b' }))])
  const readA = bodyText(a.body)
  const readB = bodyText(b.body)
  gates.get('/a')?.write('a1 ')
  gates.get('/b')?.end('b1')
  gates.get('/a')?.end('a2')
  await Promise.all([readA, readB])
  const writes = await out.written(2)
  assert.deepEqual(writes, [
    `GET /b HTTP/1.1\n\nHTTP/1.1 200 OK\n\nb1\n${EXCHANGE_SEPARATOR}`,
    `GET /a HTTP/1.1\n\nHTTP/1.1 200 OK\n\na1 a2\n${EXCHANGE_SEPARATOR}`,
  ])
})

test('the wire printer says when a body stream failed, and the receiver sees the failure', async () => {
  const out = collector()
  const failing = new Readable({
    read() {
      this.push('partial')
      this.destroy(new Error('upstream reset'))
    },
  })
  const res = await printExchange(out)(async () => response(200, { body: streamBody(failing) }))(
    request({ target: '/' }),
  )
  await assert.rejects(bodyBytes(res.body), /upstream reset/)
  const [printed = ''] = await out.written(1)
  assert.match(printed, /<<body stopped after \d+ bytes: upstream reset>>\n/)
})

test('the wire printer prints the request with "no response" when the handler throws, and rethrows', async () => {
  const out = collector()
  const failing = printExchange(out)(async () => {
    throw new Error('boom')
  })
  await assert.rejects(failing(request({ target: '/x' })), /boom/)
  assert.deepEqual(await out.written(1), [`GET /x HTTP/1.1\n\n<<no response: boom>>\n${EXCHANGE_SEPARATOR}`])
})

test('the wire printer treats compressed, binary-typed and control-byte bodies as binary', async () => {
  const out = collector()
  const cases: Array<[Array<[string, string]>, Uint8Array]> = [
    [[['Content-Encoding', 'gzip']], Buffer.from('looks like text')],
    [[['Content-Type', 'application/octet-stream']], Buffer.from('looks like text')],
    [[], Buffer.from([0x68, 0x00, 0x69])],
    [[], Buffer.from([0xff, 0xfe, 0x41])],
  ]
  for (const [headers, body] of cases) {
    await printExchange(out)(async () => response(200, { headers, body }))(request({ target: '/' }))
  }
  const writes = await out.written(cases.length)
  writes.forEach((w, i) => assert.ok(w.includes(`\n<<${cases[i]?.[1].byteLength} bytes of binary body>>\n`), w))
})

test('the wire printer keeps a multi-byte character cut by the cap out of the text instead of calling it binary', async () => {
  const out = collector()
  await printExchange(out, { bodyCap: 4 })(async () => response(200, { body: 'abcé and more' }))(
    request({ target: '/' }),
  )
  const [printed = ''] = await out.written(1)
  assert.ok(printed.includes('\n\nabc\n<<11 more bytes not shown>>\n'), printed)
})

test('the wire printer calls a body binary for each control byte (not tab, LF, FF, CR, ESC) wherever it sits', () => {
  const allowed = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1b])
  const text = Buffer.alloc(40, 'plain text\n')
  for (let byte = 0; byte < 0x80; byte++) {
    const control = (byte < 0x20 && !allowed.has(byte)) || byte === 0x7f
    for (const start of [0, 1, 2, 3]) {
      for (const at of [0, 1, 5, 16, 30, 35]) {
        const body = Buffer.from(text)
        body[start + at] = byte
        assert.equal(
          isBinary({ headers: [] }, body.subarray(start, start + 36)),
          control,
          `byte ${byte} at ${at}, offset ${start}`,
        )
      }
    }
  }
})

test('trailers that came after a body print under a <<trailers>> line, after that body', async () => {
  const out = collector()
  const handler = printExchange(out)(async (req) => {
    await bodyBytes(req.body)
    return Object.freeze({
      ...response(200, {
        version: '2',
        headers: [['content-type', 'text/plain']],
        body: streamBody(Readable.from([Buffer.from('reply')])),
      }),
      trailers: Promise.resolve(Object.freeze([Object.freeze(['grpc-status', '0'] as const)])),
    })
  })
  const res = await handler(
    Object.freeze({
      ...request({ method: 'POST', target: 'http://h/rpc', version: '2', headers: [['host', 'h']] }),
      body: streamBody(Readable.from([Buffer.from('ask\n')])),
      trailers: Promise.resolve(Object.freeze([Object.freeze(['x-digest', 'abc'] as const)])),
    }),
  )
  await bodyText(res.body)
  const [text] = await out.written(1)
  assert.match(text!, /^ask\n<<trailers>>\nx-digest: abc\n/m)
  assert.match(text!, /^reply\n<<trailers>>\ngrpc-status: 0\n={72}\n$/m)
})

test('an exchange whose body was replaced prints when that body ends, without the old body’s trailers that never come', async () => {
  const out = collector()
  const handler = printExchange(out)(async () =>
    Object.freeze({
      ...response(200, {
        headers: [['content-type', 'text/plain']],
        body: streamBody(Readable.from([Buffer.from('new')])),
      }),
      trailers: new Promise<never>(() => {}),
    }),
  )
  await bodyText((await handler(request({ target: 'http://h/r', headers: [['host', 'h']] }))).body)
  const [text] = await out.written(1)
  assert.match(text!, /^new\n={72}\n$/m)
})
