import './dom.ts'
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { cleanup, render, screen } from '@testing-library/react'
import { BlockEditor } from '../../../renderer/src/components/block-editor.tsx'
import { createAppStore } from '../../../renderer/src/store/app-store.ts'
import { StoreContext } from '../../../renderer/src/store/use-app.ts'
import type { ListenerInfo } from '../../../shared/exchange.ts'
import { FakeTransport } from '../fixtures.ts'

afterEach(() => cleanup())

const listener = (blockProblems?: (string | null)[]): ListenerInfo => ({
  id: 'L1',
  name: 'api',
  kind: 'proxy',
  mode: 'reverse',
  host: '127.0.0.1',
  port: 9000,
  url: 'http://127.0.0.1:9000',
  httpsUpstream: false,
  pipeline: [],
  startedAt: 0,
  target: 'http://127.0.0.1:1',
  blocks: [{ use: 'script', file: './trace.ts' }, { use: 'chaos' }],
  blockLines: ['runs the script ./trace.ts on every request', 'chaos'],
  ...(blockProblems ? { blockProblems } : {}),
})

test('a script block whose last save did not load shows the error under its line, and only that block', () => {
  const store = createAppStore(new FakeTransport({}))
  const problem = 'not reloaded, the previous version keeps running: /p/trace.ts:3:0: ERROR: Unexpected end of file'
  const { rerender } = render(
    <StoreContext.Provider value={store}>
      <BlockEditor listener={listener([problem, null])} />
    </StoreContext.Provider>,
  )
  const shown = screen.getByLabelText('Problem with block 1 (script)')
  assert.equal(shown.textContent, problem)
  assert.equal(shown.getAttribute('role'), 'alert')
  assert.equal(screen.queryByLabelText('Problem with block 2 (chaos)'), null)
  rerender(
    <StoreContext.Provider value={store}>
      <BlockEditor listener={listener()} />
    </StoreContext.Provider>,
  )
  assert.equal(screen.queryByLabelText('Problem with block 1 (script)'), null, 'a good save clears it')
})
