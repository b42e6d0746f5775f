import { test } from 'node:test'
import assert from 'node:assert/strict'
import { normaliseAuthority, parseTarget, targetPath } from '../../../electron/core/wire/request-target.ts'

test('request-targets are read in all four forms, keeping path and query as sent', () => {
  assert.deepEqual(parseTarget('/a/../b?x=%20'), { form: 'origin', pathAndQuery: '/a/../b?x=%20' })
  assert.deepEqual(parseTarget('HTTP://Host:8080/p?q'), {
    form: 'absolute',
    scheme: 'http',
    authority: 'Host:8080',
    pathAndQuery: '/p?q',
  })
  assert.deepEqual(parseTarget('example.com:443'), { form: 'authority', authority: 'example.com:443' })
  assert.deepEqual(parseTarget('[::1]:443'), { form: 'authority', authority: '[::1]:443' })
  assert.deepEqual(parseTarget('*'), { form: 'asterisk' })
  assert.equal(parseTarget('nonsense'), undefined)
})

test('the path of a target leaves out the query', () => {
  assert.equal(targetPath('/users/7?full=1'), '/users/7')
  assert.equal(targetPath('http://h'), '/')
  assert.equal(targetPath('h:443'), undefined)
})

test('an authority drops the port that is its scheme’s default and refuses what is not a host', () => {
  assert.equal(normaliseAuthority('http', 'Example.COM:80'), 'example.com')
  assert.equal(normaliseAuthority('https', 'example.com:80'), 'example.com:80')
  assert.equal(normaliseAuthority('https', 'example.com:0443'), 'example.com')
  assert.equal(normaliseAuthority('http', 'user@example.com'), undefined)
  assert.equal(normaliseAuthority('http', ''), undefined)
})
