import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fixedClock } from '../../electron/core/clock.ts'
import { request } from '../../electron/core/message.ts'
import { chaosRequest } from '../../electron/chaos/chaos-request.ts'
import { seededRandom } from '../../electron/chaos/random.ts'
import {
  always,
  and,
  countdown,
  deadline,
  delay,
  matchRequest,
  not,
  once,
  or,
  percentage,
} from '../../electron/chaos/triggers.ts'

const get = (target = 'http://example.com/a', headers: Array<[string, string]> = [], body?: string, method = 'GET') =>
  chaosRequest(request({ method, target, headers }), body)
const fires = (t: { fires(r: ReturnType<typeof get>): boolean }, n: number, req = get()) =>
  Array.from({ length: n }, () => t.fires(req))

test('always fires for every request', () => {
  assert.deepEqual(fires(always(), 3), [true, true, true])
  assert.equal(always().describe(), 'Always')
})

test('once fires the first time only, or the first time its inner trigger fires', () => {
  assert.deepEqual(fires(once(), 3), [true, false, false])
  const onPost = once(matchRequest({ method: 'post' }))
  assert.equal(onPost.fires(get()), false)
  assert.equal(onPost.fires(get('http://h/', [], undefined, 'POST')), true)
  assert.equal(onPost.fires(get('http://h/', [], undefined, 'POST')), false)
  assert.equal(onPost.describe(), 'Once (trigger = method == POST)')
})

test('percentage fires n+1 times in a hundred as http4k does, reproducibly with a seed', () => {
  const count = (n: number, seed: number) => fires(percentage(n, seededRandom(seed)), 10_000).filter(Boolean).length
  assert.equal(count(99, 1), 10_000)
  assert.ok(Math.abs(count(49, 2) - 5000) < 300, 'about half')
  assert.ok(count(0, 3) < 200, 'about 1%')
  assert.deepEqual(fires(percentage(30, seededRandom(7)), 20), fires(percentage(30, seededRandom(7)), 20))
  assert.equal(percentage(50, seededRandom(1)).describe(), 'PercentageBased (50%)')
})

test('countdown is false for the first n requests then true forever, and says how many remain', () => {
  const t = countdown(2)
  assert.equal(t.describe(), 'Countdown (2 remaining)')
  assert.deepEqual(fires(t, 4), [false, false, true, true])
  assert.equal(t.describe(), 'Countdown (0 remaining)')
})

test('deadline fires once the clock is past the end time', () => {
  const clock = fixedClock(Date.parse('2029-12-31T23:59:59Z'))
  const t = deadline(Date.parse('2030-01-01T00:00:00Z'), clock)
  assert.equal(t.fires(get()), false)
  clock.advance(1000)
  assert.equal(t.fires(get()), false, 'at the end time exactly, not yet (isAfter)')
  clock.advance(1)
  assert.equal(t.fires(get()), true)
  assert.equal(t.describe(), 'Deadline (2030-01-01T00:00:00Z)')
})

test('delay fires once its period has passed since it was built', () => {
  const clock = fixedClock(0)
  const t = delay(100, clock)
  clock.advance(100)
  assert.equal(t.fires(get()), false)
  clock.advance(1)
  assert.equal(t.fires(get()), true)
  assert.equal(t.describe(), 'Delay (expires 1970-01-01T00:00:00.100Z)')
})

test('request matching needs every given field to match in full', () => {
  const t = matchRequest({
    method: 'get',
    host: 'api\\.example\\.com',
    path: '.*bob',
    queries: { q: '.*x' },
    headers: { 'X-Env': 'te.t' },
    body: '.*z',
  })
  const match = get('http://api.example.com/users/bob?q=1x&q=other', [['x-env', 'test']], 'fizz')
  assert.equal(t.fires(match), true)
  assert.equal(
    t.fires(get('http://api.example.com/users/bobby?q=1x', [['x-env', 'test']], 'fizz')),
    false,
    'the path regex must match in full',
  )
  assert.equal(t.fires(get('http://api.example.com/users/bob?q=1y', [['x-env', 'test']], 'fizz')), false)
  assert.equal(t.fires(get('http://api.example.com/users/bob?q=1x', [['x-env', 'prod']], 'fizz')), false)
  assert.equal(t.fires(get('http://other.com/users/bob?q=1x', [['x-env', 'test']], 'fizz')), false)
  assert.equal(t.fires(get('http://api.example.com/users/bob?q=1x', [['x-env', 'test']], 'fizzy')), false)
  assert.equal(t.needsBody, true)
  assert.equal(
    t.describe(),
    "method == GET AND host matches 'api\\.example\\.com' AND path matches '.*bob' AND query 'q' matches '.*x' AND header 'X-Env' matches 'te.t' AND body matches '.*z'",
  )
  assert.equal(matchRequest({}).describe(), 'anything')
  assert.equal(matchRequest({}).fires(get()), true)
})

test('request matching reads the Host header of an origin-form request', () => {
  const t = matchRequest({ host: 'example\\.com:8080' })
  assert.equal(t.fires(chaosRequest(request({ target: '/x', headers: [['Host', 'example.com:8080']] }))), true)
})

test('and, or and not combine triggers, stopping early as http4k does', () => {
  const post = matchRequest({ method: 'POST' })
  const onceOnPost = and(post, once())
  assert.equal(onceOnPost.fires(get()), false, 'a GET does not spend the once')
  assert.equal(onceOnPost.fires(get('http://h/', [], undefined, 'POST')), true)
  assert.equal(onceOnPost.fires(get('http://h/', [], undefined, 'POST')), false)
  assert.equal(or(post, matchRequest({ path: '/a' })).fires(get()), true)
  assert.equal(or(post, matchRequest({ path: '/b' })).fires(get()), false)
  assert.equal(not(post).fires(get()), true)
  assert.equal(and(always(), not(post)).describe(), 'Always AND NOT method == POST')
  assert.equal(or(always(), post).describe(), 'Always OR method == POST')
})
