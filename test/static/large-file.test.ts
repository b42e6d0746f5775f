import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { staticServer } from '../../electron/apps/static-server.ts'
import { mountApp } from '../../electron/proxy/mount-app.ts'

const GIB = 1024 * 1024 * 1024
const MAX_GROWTH = 100 * 1024 * 1024

test('a 1 GiB file streams through with memory staying flat (RSS grows by less than 100 MB)', {
  timeout: 90_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nanoscope-big-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const fd = openSync(join(dir, 'big.bin'), 'w')
  ftruncateSync(fd, GIB) // sparse: takes no disk space
  closeSync(fd)
  const mounted = await mountApp(staticServer(dir), { port: 0 })
  t.after(() => mounted.stop())

  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 25)
  t.after(() => clearInterval(sampler))
  const started = performance.now()
  const { status, length, received } = await new Promise<{
    status: number
    length: string | undefined
    received: number
  }>((resolve, reject) => {
    const req = http.get(`${mounted.server.url}/big.bin`, (res) => {
      let received = 0
      res.on('data', (chunk: Buffer) => {
        received += chunk.length
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'], received }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(60_000, () => req.destroy(new Error('the 1 GiB download took over 60 s')))
  })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss())
  assert.equal(status, 200)
  assert.equal(length, String(GIB))
  assert.equal(received, GIB)
  const growth = peak - baseline
  t.diagnostic(
    `served 1 GiB in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS grew ${(growth / 1048576).toFixed(1)} MB`,
  )
  assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / 1048576).toFixed(1)} MB`)
})
