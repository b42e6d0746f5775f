// A HAR header whose value holds a line break would split into two fields on the wire: import drops it and says so.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromHar } from '../../electron/recording/har-import.ts'

function harWithRequestHeaders(headers: Array<{ name: string; value: string }>): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [
        {
          startedDateTime: '2026-01-01T00:00:00.000Z',
          time: 5,
          request: {
            method: 'GET',
            url: 'http://h.test/a',
            httpVersion: 'HTTP/1.1',
            headers,
            cookies: [],
            queryString: [],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [],
            cookies: [],
            content: { size: 0, mimeType: 'text/plain', text: '' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
          },
          cache: {},
          timings: { send: 0, wait: 5, receive: 0 },
        },
      ],
    },
  })
}

test('a HAR header whose value holds a line break is dropped on import, with a warning, and the other headers kept', () => {
  for (const value of ['a\r\nInjected: 1', 'a\nb', 'a\rb']) {
    const imported = fromHar(
      harWithRequestHeaders([
        { name: 'X-Split', value },
        { name: 'Accept', value: '*/*' },
      ]),
    )
    assert.deepEqual(imported.warnings, ['malformed headers dropped (1 entry)'])
    assert.deepEqual(imported.records[0]?.request.headers, [
      ['Host', 'h.test'],
      ['Accept', '*/*'],
    ])
  }
})
