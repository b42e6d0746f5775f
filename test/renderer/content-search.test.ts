import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAppStore } from '../../renderer/src/store/app-store.ts'
import { CONTENT_REFRESH_MS } from '../../renderer/src/store/search-slice.ts'
import { contentTerms, tokenize } from '../../renderer/src/store/filter.ts'
import type { ContentSearchTerm } from '../../shared/exchange.ts'
import { FakeTransport, summary, tick } from './fixtures.ts'

test('header: and body: are content terms; a quoted body keeps its spaces; other terms stay local', () => {
  assert.deepEqual(tokenize('body:"some text" -header:"x-a=b c" method:GET'), [
    'body:some text',
    '-header:x-a=b c',
    'method:GET',
  ])
  assert.deepEqual(contentTerms('header:x-request-id=abc body:"some text" -header:x-trace method:GET "a b"'), [
    { kind: 'header', name: 'x-request-id', value: 'abc' },
    { kind: 'body', text: 'some text' },
    { kind: 'header', name: 'x-trace' },
  ])
  assert.deepEqual(
    contentTerms('header:bad/name status:5xx'),
    [],
    'a header term with an impossible name is plain text',
  )
})

/** A main that knows which exchanges hold which header and body text. */
function fakeMain(index: Record<string, string[]>) {
  const asked: ContentSearchTerm[][] = []
  const transport = new FakeTransport({
    searchExchanges: (args) => {
      const { terms } = args as { terms: ContentSearchTerm[] }
      asked.push(terms)
      return {
        matches: terms.map(
          (t) => index[t.kind === 'body' ? `body:${t.text}` : `header:${t.name}${t.value ? `=${t.value}` : ''}`] ?? [],
        ),
        searched: 0,
      }
    },
  })
  return { transport, asked }
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('the filter asks main for header and body terms and combines the ids it gets with the local terms, negation included', async () => {
  const { transport, asked } = fakeMain({ 'header:x-request-id=abc': ['x1', 'x3'], 'body:some text': ['x2', 'x3'] })
  transport.snapshot = {
    ...transport.snapshot,
    exchanges: [summary(1), summary(2, { method: 'POST' }), summary(3), summary(4)],
  }
  const store = createAppStore(transport)
  const stop = store.getState().start()
  await tick()
  store.getState().setFilter('header:x-request-id=abc')
  await until(() => store.getState().contentStatus === 'done')
  assert.deepEqual(store.getState().visibleIds, ['x1', 'x3'])
  store.getState().setFilter('header:x-request-id=abc -body:"some text"')
  await until(() => store.getState().visibleIds.join() === 'x1')
  store.getState().setFilter('body:"some text" method:POST')
  await until(() => store.getState().visibleIds.join() === 'x2')
  const searches = asked.length
  store.getState().setFilter('body:"some text"   method:GET')
  assert.deepEqual(
    store.getState().visibleIds,
    ['x3'],
    'matches already found still apply when only local terms change',
  )
  assert.equal(asked.length, searches, 'and main is not asked again')
  stop()
})

test('while a content term is in the filter, arriving traffic is searched again within a second', async () => {
  const index: Record<string, string[]> = { 'body:needle': ['x1'] }
  const { transport, asked } = fakeMain(index)
  transport.snapshot = { ...transport.snapshot, exchanges: [summary(1), summary(2)] }
  const store = createAppStore(transport)
  const stop = store.getState().start()
  await tick()
  store.getState().setFilter('body:needle')
  await until(() => store.getState().contentStatus === 'done')
  assert.deepEqual(store.getState().visibleIds, ['x1'])
  const before = asked.length
  index['body:needle'] = ['x1', 'x5']
  transport.emit('exchanges', { exchanges: [summary(5), summary(6)] })
  await until(() => store.getState().visibleIds.join() === 'x1,x5', CONTENT_REFRESH_MS + 2000)
  assert.equal(asked.length, before + 1, 'one search for the batch')
  store.getState().setFilter('')
  assert.deepEqual(store.getState().visibleIds, ['x1', 'x2', 'x5', 'x6'])
  stop()
})
