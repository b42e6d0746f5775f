// The k6 script a user runs (`nanoscope export k6`), written in this process: its text pinned whole for a small
// session, since it is what people read and hand to `k6 run`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NANOSCOPE_CREATOR } from '../../electron/recording/har-export.ts'
import { toK6 } from '../../electron/recording/k6-export.ts'
import { loadSteps } from '../../electron/recording/load-steps.ts'
import { exchange } from './support.ts'

const session = [
  exchange({
    url: 'http://h.test/a?q=1#top',
    startedAt: 1000,
    requestHeaders: [
      ['Host', 'h.test'],
      ['Accept', 'text/html'],
      ['Connection', 'keep-alive, X-Trace'],
      ['X-Trace', '1'],
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ],
  }),
  exchange({ method: 'POST', url: 'http://h.test/b', requestBody: Buffer.from([0, 1, 255]), startedAt: 1500 }),
  exchange({
    method: 'PUT',
    url: 'http://h.test/c',
    requestBody: '{"n":1}',
    requestHeaders: [
      ['Content-Type', 'application/json'],
      ['Content-Length', '7'],
    ],
    startedAt: 1505,
  }),
  exchange({
    method: 'POST',
    url: 'http://h.test/d',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a body holding ${…} must not be read as an LI-HAR variable
    requestBody: 'hi ${name}',
    requestHeaders: [['Content-Type', 'text/plain']],
    startedAt: 3000,
  }),
]

test('a session exports as a k6 script with its requests in order, the recorded pauses, and bodies that are not plain text read from files', async () => {
  const out = await toK6(session, { bodiesDir: 'load.bodies', name: 'demo', target: 'http://127.0.0.1:9' })
  assert.equal(
    out.script,
    `// k6 script written by "nanoscope export k6" (with har-to-k6) from the Nanoscope session "demo":
// 4 recorded requests in order, with the recorded pauses. Run it: k6 run THIS_FILE
// Creator: ${NANOSCOPE_CREATOR.name} ${NANOSCOPE_CREATOR.version}

import { sleep } from 'k6'
import http from 'k6/http'

// Bodies that are not text, read from files beside the script (k6 init context).
const nanoscopeBody2 = open("./load.bodies/2.bin", 'b')
const nanoscopeBody4 = open("./load.bodies/4.bin", 'b')

export const options = {}

export default function main() {
  let response

  response = http.get('http://127.0.0.1:9/a?q=1', {
    headers: {
      Accept: 'text/html',
      Cookie: 'a=1; b=2',
    },
  })

  sleep(0.495)
  response = http.post('http://127.0.0.1:9/b', nanoscopeBody2, {
    headers: {
    },
  })

  response = http.put('http://127.0.0.1:9/c', '{"n":1}', {
    headers: {
      'Content-Type': 'application/json',
    },
  })

  sleep(1.49)
  response = http.post('http://127.0.0.1:9/d', nanoscopeBody4, {
    headers: {
      'Content-Type': 'text/plain',
    },
  })
}
`,
  )
  assert.deepEqual(
    out.files.map((f) => [f.path, Buffer.from(f.bytes).toString('latin1')]),
    [
      ['load.bodies/2.bin', '\u0000\u0001\u00ff'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the body as recorded
      ['load.bodies/4.bin', 'hi ${name}'],
    ],
  )
  assert.equal(out.requests, 4)
})

test('at max speed the k6 script sends the requests back to back, with no sleep at the end of the iteration, and an unnamed session is called "session"', async () => {
  const out = await toK6(session.slice(0, 2), { bodiesDir: 'b', speed: Infinity })
  assert.equal(
    out.script,
    `// k6 script written by "nanoscope export k6" (with har-to-k6) from the Nanoscope session "session":
// 2 recorded requests in order, back to back. Run it: k6 run THIS_FILE
// Creator: ${NANOSCOPE_CREATOR.name} ${NANOSCOPE_CREATOR.version}

import http from 'k6/http'

// Bodies that are not text, read from files beside the script (k6 init context).
const nanoscopeBody2 = open("./b/2.bin", 'b')

export const options = {}

export default function main() {
  let response

  response = http.get('http://h.test/a?q=1', {
    headers: {
      Accept: 'text/html',
      Cookie: 'a=1; b=2',
    },
  })

  response = http.post('http://h.test/b', nanoscopeBody2, {
    headers: {
    },
  })
}
`,
  )
})

test('a load step from a record whose request body was cut says where the recording cut it, and sends the part kept', () => {
  const cut = { ...exchange({ method: 'POST', requestBody: 'abc' }), truncated: { request: 10_000 } }
  const [step, whole] = loadSteps([cut, exchange()])
  assert.equal(step?.truncatedFrom, 10_000)
  assert.equal(step?.text, 'abc')
  assert.equal(whole?.truncatedFrom, undefined)
  assert.equal('truncatedFrom' in whole!, false)
})

test('a request recorded without a body is sent without one in the k6 script, whatever its Content-Type says', async () => {
  const out = await toK6(
    [
      exchange({ method: 'POST', url: 'http://h.test/e', requestHeaders: [['Content-Type', 'application/json']] }),
      exchange({ method: 'POST', url: 'http://h.test/f' }),
    ],
    { bodiesDir: 'b', speed: Infinity },
  )
  assert.match(out.script, /^ {2}response = http\.post\('http:\/\/h\.test\/e', null, \{$/m)
  assert.match(out.script, /^ {2}response = http\.post\('http:\/\/h\.test\/f'\)$/m)
  assert.deepEqual(out.files, [])
})
