import { test } from 'node:test'
import assert from 'node:assert/strict'
import { filterProblems, matchAll, parseFilter, parseSize, tokenize } from '../../renderer/src/store/filter.ts'
import { pending, summary } from './fixtures.ts'

const rows = [
  summary(1, {
    method: 'GET',
    status: 200,
    host: 'api.example.com',
    url: 'http://api.example.com/users',
    durationMs: 40,
    responseSize: 500,
  }),
  summary(2, {
    method: 'POST',
    status: 201,
    host: 'api.example.com',
    url: 'http://api.example.com/users',
    durationMs: 700,
    responseSize: 20_000,
  }),
  summary(3, {
    method: 'GET',
    status: 404,
    host: 'cdn.other.org',
    url: 'http://cdn.other.org/logo.png',
    durationMs: 90,
    responseSize: 3 * 1024 * 1024,
  }),
  summary(4, {
    method: 'DELETE',
    status: 503,
    host: 'api.example.com',
    url: 'http://api.example.com/users/7',
    durationMs: 1500,
    responseSize: 0,
  }),
  summary(5, {
    method: 'GET',
    status: undefined,
    host: 'slow.example.com',
    url: 'http://slow.example.com/wait',
    durationMs: undefined,
    responseSize: undefined,
    outcome: { kind: 'pending' },
  }),
]
const seqs = (text: string): number[] => rows.filter(parseFilter(text)).map((r) => r.seq)

test('blank filter text matches everything and is recognisably the match-all predicate', () => {
  assert.equal(parseFilter(''), matchAll)
  assert.equal(parseFilter('   '), matchAll)
  assert.deepEqual(seqs(''), [1, 2, 3, 4, 5])
})

test('plain text matches anywhere in the URL, ignoring case', () => {
  assert.deepEqual(seqs('USERS'), [1, 2, 4])
  assert.deepEqual(seqs('logo'), [3])
})

test('method: matches the method, case-insensitively, and takes a comma list', () => {
  assert.deepEqual(seqs('method:post'), [2])
  assert.deepEqual(seqs('method:POST,DELETE'), [2, 4])
})

test('status: matches exact codes and classes written with x', () => {
  assert.deepEqual(seqs('status:404'), [3])
  assert.deepEqual(seqs('status:5xx'), [4])
  assert.deepEqual(seqs('status:2xx'), [1, 2])
  assert.deepEqual(seqs('status:4xx,5xx'), [3, 4])
  assert.deepEqual(seqs('status:20x'), [1, 2])
})

test('an exchange without a status matches no status term', () => {
  assert.equal(seqs('status:2xx').includes(5), false)
})

test('host: matches part of the host', () => {
  assert.deepEqual(seqs('host:example.com'), [1, 2, 4, 5])
  assert.deepEqual(seqs('host:cdn'), [3])
})

test('dur> and dur< compare the duration in milliseconds, with an optional s suffix', () => {
  assert.deepEqual(seqs('dur>500'), [2, 4])
  assert.deepEqual(seqs('dur<100'), [1, 3])
  assert.deepEqual(seqs('dur>=1.5s'), [4])
})

test('size> takes k and m suffixes in binary units', () => {
  assert.equal(parseSize('10k'), 10 * 1024)
  assert.equal(parseSize('2m'), 2 * 1024 * 1024)
  assert.deepEqual(seqs('size>10k'), [2, 3])
  assert.deepEqual(seqs('size>1m'), [3])
  assert.deepEqual(seqs('size<1k'), [1, 4])
})

test('terms separated by spaces must all match', () => {
  assert.deepEqual(seqs('host:api method:GET'), [1])
  assert.deepEqual(seqs('users dur>500'), [2, 4])
})

test('a leading minus negates a term', () => {
  assert.deepEqual(seqs('-method:GET'), [2, 4])
  assert.deepEqual(seqs('-users'), [3, 5])
  assert.deepEqual(seqs('host:api -status:5xx'), [1, 2])
})

test('unknown keys, and known keys with values that do not parse, are plain text', () => {
  const odd = summary(9, { url: 'http://x.test/?foo:bar=1&status:abc' })
  assert.equal(parseFilter('foo:bar')(odd), true)
  assert.equal(parseFilter('status:abc')(odd), true)
  assert.equal(parseFilter('foo:baz')(odd), false)
  assert.deepEqual(seqs('size>lots'), [])
})

test('double quotes keep a phrase with spaces together', () => {
  assert.deepEqual(tokenize('"a b" c -"d e"'), ['"a b', 'c', '-"d e'])
  const spaced = summary(10, { url: 'http://x.test/a b' })
  assert.equal(parseFilter('"a b"')(spaced), true)
  assert.equal(parseFilter('-"a b"')(spaced), false)
})

test('is: picks exchanges in flight, failed, aborted or touched by chaos', () => {
  const rows = [
    pending(1),
    summary(2),
    summary(3, { outcome: { kind: 'failed', cause: 'refused', message: 'm' } }),
    summary(4, { tags: ['chaos'] }),
  ]
  const ids = (text: string) => rows.filter(parseFilter(text)).map((e) => e.id)
  assert.deepEqual(ids('is:pending'), ['x1'])
  assert.deepEqual(ids('is:failed'), ['x3'])
  assert.deepEqual(ids('is:chaos'), ['x4'])
  assert.deepEqual(ids('-is:pending'), ['x2', 'x3', 'x4'])
})

test('a known key with a value it cannot read is named, with what it takes; text and terms being typed are not', () => {
  assert.deepEqual(filterProblems('status:abc dur>fast orders is:done'), [
    '"status:abc": a status is three digits, x for any (status:404, status:5xx); searched for as text',
    '"dur>fast": a duration is a number of ms, or seconds with s (dur>500, dur<1.5s); searched for as text',
    '"is:done": is: takes pending, failed, aborted, chaos; searched for as text',
  ])
  assert.deepEqual(filterProblems('status: dur> method:GET "status:abc" http://x/'), [])
})
