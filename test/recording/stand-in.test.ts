import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { standIn } from '../../electron/recording/stand-in.ts'
import { standinApp } from '../../electron/apps/standin-app.ts'
import { standInSwitch } from '../../electron/recording/switches.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'
import { bodyText, request, response } from '../../electron/core/message.ts'
import { exchange } from './support.ts'

const recording = [
  exchange({ url: 'http://api.test/items?page=1&sort=asc', responseBody: 'page one' }),
  exchange({ url: 'http://api.test/counter', responseBody: 'first' }),
  exchange({ url: 'http://api.test/counter', responseBody: 'second' }),
  exchange({ method: 'POST', url: 'http://api.test/items', requestBody: 'a', responseBody: 'made a', status: 201 }),
  exchange({ method: 'POST', url: 'http://api.test/items', requestBody: 'b', responseBody: 'made b', status: 201 }),
]

const get = (target: string, headers: Array<[string, string]> = [['Host', 'api.test']]) => request({ target, headers })

test('the stand-in answers a recorded request from the recording, whatever the order of its query parameters', async () => {
  const handler = standIn(recording)
  const res = await handler(get('http://api.test/items?sort=asc&page=1'))
  assert.equal(res.status, 200)
  assert.equal(await bodyText(res.body), 'page one')
  assert.deepEqual(res.tags, ['replayed', 'stand-in'])
})

test('repeats of a request get the recorded responses in order, then the last one again', async () => {
  const handler = standIn(recording)
  const bodies = []
  for (let i = 0; i < 4; i++) bodies.push(await bodyText((await handler(get('/counter'))).body))
  assert.deepEqual(bodies, ['first', 'second', 'second', 'second'])
})

test('a miss is a 404 naming the nearest recorded requests and what differed, and the server is never contacted', async () => {
  let forwarded = 0
  const sw = standInSwitch()
  sw.useRecords(recording)
  const handler = sw(async () => {
    forwarded++
    return response(200)
  })
  const res = await handler(get('http://api.test/items?page=2&sort=asc'))
  assert.equal(res.status, 404)
  const body = JSON.parse(await bodyText(res.body)) as {
    error: string
    nearest: Array<{ url: string; differences: string[] }>
  }
  assert.equal(body.error, 'no recorded request matches')
  assert.equal(body.nearest[0]!.url, 'http://api.test/items?page=1&sort=asc')
  assert.deepEqual(body.nearest[0]!.differences, ['query has page=2, not recorded', 'query lacks recorded page=1'])
  assert.ok(body.nearest.length <= 3)
  assert.equal(forwarded, 0)
  sw.off()
  await handler(get('/anything'))
  assert.equal(forwarded, 1, 'switched off, requests go to the server again')
})

test('the stand-in can ignore cache-busting query parameters and match on the body and chosen headers', async () => {
  const loose = standIn(recording, { ignoreQuery: ['_'] })
  assert.equal((await loose(get('/items?page=1&_=12345&sort=asc'))).status, 200)
  const byBody = standIn(recording, { matchBody: true })
  const post = (body: string) => request({ method: 'POST', target: '/items', headers: [['Host', 'api.test']], body })
  assert.equal(await bodyText((await byBody(post('b'))).body), 'made b')
  assert.equal(await bodyText((await byBody(post('a'))).body), 'made a')
  const miss = await byBody(post('c'))
  assert.equal(miss.status, 404)
  assert.match(await bodyText(miss.body), /body differs/)
  const byHeader = standIn(
    [
      exchange({
        url: 'http://api.test/me',
        requestHeaders: [
          ['Host', 'api.test'],
          ['Authorization', 'Bearer 1'],
        ],
        responseBody: 'user 1',
      }),
    ],
    { matchHeaders: ['authorization'] },
  )
  assert.equal(
    (
      await byHeader(
        get('/me', [
          ['Host', 'x'],
          ['authorization', 'Bearer 1'],
        ]),
      )
    ).status,
    200,
  )
  assert.equal(
    (
      await byHeader(
        get('/me', [
          ['Host', 'x'],
          ['authorization', 'Bearer 2'],
        ]),
      )
    ).status,
    404,
  )
})

test('as a forward proxy the host counts: an absolute-form request for another host is a miss', async () => {
  const handler = standIn(recording)
  assert.equal((await handler(get('http://api.test/counter'))).status, 200)
  const other = await handler(get('http://elsewhere.test/counter'))
  assert.equal(other.status, 404)
  assert.match(await bodyText(other.body), /host elsewhere.test is not api.test/)
})

function fetchRaw(port: number, target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: target, headers: { Host: host }, agent: false, timeout: 5000 },
      (res) => {
        let body = ''
        res.on('data', (c) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

test('the stand-in app answers over a real socket both as a server (origin-form) and as a forward proxy (absolute-form)', async () => {
  const mounted = await mountApp(standinApp(recording), { port: 0 })
  try {
    const asServer = await fetchRaw(mounted.server.port, '/items?page=1&sort=asc', `127.0.0.1:${mounted.server.port}`)
    assert.deepEqual(asServer, { status: 200, body: 'page one' })
    const asProxy = await fetchRaw(mounted.server.port, 'http://api.test/counter', 'api.test')
    assert.deepEqual(asProxy, { status: 200, body: 'first' })
    const missed = await fetchRaw(mounted.server.port, '/nowhere', 'localhost')
    assert.equal(missed.status, 404)
  } finally {
    await mounted.stop()
  }
})

test('a request matches a recording made over the other scheme, and one over its own scheme first', async () => {
  const handler = standIn([
    exchange({ url: 'https://secure.test/only-https', responseBody: 'recorded over https' }),
    exchange({ url: 'http://api.test:8080/only-http', responseBody: 'recorded over http' }),
    exchange({ url: 'http://both.test/x', responseBody: 'http one' }),
    exchange({ url: 'https://both.test/x', responseBody: 'https one' }),
  ])
  const text = async (target: string) => bodyText((await handler(get(target))).body)
  assert.equal(await text('http://secure.test/only-https'), 'recorded over https')
  assert.equal(await text('https://api.test:8080/only-http'), 'recorded over http')
  assert.equal(await text('https://both.test/x'), 'https one')
  assert.equal(await text('http://both.test/x'), 'http one')
  assert.equal((await handler(get('https://secure.test:8443/only-https'))).status, 404, 'the port still counts')
})

test('a miss names the nearest recordings by how alike the path is, then method, then query', async () => {
  const handler = standIn([
    exchange({ url: 'http://api.test/' }),
    exchange({ method: 'POST', url: 'http://api.test/a.txt' }),
    exchange({ url: 'http://api.test/a.txt?v=2' }),
    exchange({ url: 'http://api.test/a.txt' }),
    exchange({ url: 'http://api.test/b.txt' }),
  ])
  const miss = await handler(get('http://api.test/a.tx'))
  assert.equal(miss.status, 404)
  const { nearest } = JSON.parse(await bodyText(miss.body)) as { nearest: Array<{ method: string; url: string }> }
  assert.deepEqual(
    nearest.map((n) => `${n.method} ${n.url}`),
    ['GET http://api.test/a.txt', 'GET http://api.test/a.txt?v=2', 'POST http://api.test/a.txt'],
  )
  const root = JSON.parse(await bodyText((await handler(get('http://api.test/?q=1'))).body)) as {
    nearest: Array<{ url: string }>
  }
  assert.equal(root.nearest[0]!.url, 'http://api.test/')
})
