import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { startUpstream } from '../support/upstream.ts'
import { rig } from './fixtures.ts'

test('swapping the pipeline under 32 connections of load loses no exchange, and new exchanges take the new blocks', async (t) => {
  const upstream = await startUpstream((_req, res) => setTimeout(() => res.end('ok'), 5))
  const r = await rig([], { server: upstream })
  t.after(() => r.stop())
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
  t.after(() => agent.destroy())
  const results = { ok: 0, failed: [] as string[], generations: new Set<string>() }
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get(`${r.url}/load`, { agent }, (res) => {
        let body = ''
        res.on('data', (c) => {
          body += c
        })
        res.on('end', () => {
          if (res.statusCode === 200 && body === 'ok') results.ok++
          else results.failed.push(`${res.statusCode} ${body}`)
          results.generations.add(String(res.headers['x-generation'] ?? 'none'))
          resolve()
        })
      })
      req.setTimeout(5000, () => req.destroy(new Error('timed out')))
      req.on('error', (e) => {
        results.failed.push(e.message)
        resolve()
      })
    })
  // The clients keep the load on until the last swap has happened (bounded: at most 20 s, however slow the machine).
  let swapping = true
  const deadline = Date.now() + 20_000
  const clients = Array.from({ length: 32 }, async () => {
    while (swapping && Date.now() < deadline) await one()
  })
  for (let generation = 1; generation <= 10; generation++) {
    await new Promise((resolve) => setTimeout(resolve, 150))
    await r.listener.swap([{ use: 'rewrite', response: { setHeaders: { 'X-Generation': String(generation) } } }])
  }
  await new Promise((resolve) => setTimeout(resolve, 200)) // some exchanges on the last pipeline too
  swapping = false
  await Promise.all(clients)
  assert.deepEqual(results.failed, [])
  assert.ok(results.ok > 200, `only ${results.ok} exchanges`)
  assert.ok(results.generations.has('none') && results.generations.has('10'), [...results.generations].join(','))
  const last = await new Promise<string>((resolve, reject) =>
    http
      .get(`${r.url}/after`, { agent: false }, (res) => {
        res.resume()
        resolve(String(res.headers['x-generation']))
      })
      .on('error', reject),
  )
  assert.equal(last, '10')
})
