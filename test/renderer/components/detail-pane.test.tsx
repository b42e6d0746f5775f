import './dom.ts'
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import { DetailPane } from '../../../renderer/src/components/detail-pane.tsx'
import { createAppStore } from '../../../renderer/src/store/app-store.ts'
import { StoreContext } from '../../../renderer/src/store/use-app.ts'
import type { ExchangeDetail } from '../../../shared/exchange.ts'
import { FakeTransport, summary, tick } from '../fixtures.ts'

afterEach(() => cleanup())

const detail: ExchangeDetail = {
  ...summary(1, {
    method: 'POST',
    url: 'http://api.test/orders?x=1',
    host: 'api.test',
    path: '/orders',
    httpVersion: '1.1',
  }),
  target: 'http://api.test/orders?x=1',
  requestHeaders: [
    ['Host', 'api.test'],
    ['X-Request-Id', 'abc-123'],
    ['content-type', 'application/json'],
  ],
  responseHeaders: [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
  ],
  requestBody: { base64: Buffer.from('{"q":1}').toString('base64'), size: 7, truncated: false },
  responseBody: { base64: Buffer.from('{"ok":true}').toString('base64'), size: 11, truncated: false },
}

const rows = (table: HTMLElement) =>
  [...table.querySelectorAll('tr')].map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent])

test('the detail pane opens on what was sent and what came back together: method, URL, request headers, status and response headers', async () => {
  const transport = new FakeTransport({ getExchange: () => detail })
  const store = createAppStore(transport)
  const stop = store.getState().start()
  await tick()
  transport.emit('exchanges', { exchanges: [summary(1, { method: 'POST', url: detail.url })] })
  await tick()
  store.getState().openDetail('x1')
  render(
    <StoreContext.Provider value={store}>
      <DetailPane />
    </StoreContext.Provider>,
  )
  const panel = await waitFor(() => screen.getByTestId('panel-headers'))
  assert.equal(screen.getByTestId('tab-headers').getAttribute('aria-selected'), 'true', 'Headers is the first view')
  await waitFor(() => within(panel).getByTestId('request-line'))
  assert.equal(within(panel).getByTestId('request-line').textContent, 'POST http://api.test/orders?x=1 HTTP/1.1')
  assert.deepEqual(rows(within(panel).getByTestId('request-headers')), detail.requestHeaders)
  assert.equal(within(panel).getByTestId('status-line').textContent, 'HTTP/1.1 200 OK')
  assert.deepEqual(rows(within(panel).getByTestId('response-headers')), detail.responseHeaders)
  assert.equal(within(panel).queryByTestId('body-text'), null, 'bodies stay on the Request and Response tabs')
  stop()
})

test('trailers that came after a body are shown in a Trailers block under the headers, and none when there were none', async () => {
  const withTrailers: ExchangeDetail = {
    ...detail,
    httpVersion: '2',
    responseTrailers: [
      ['grpc-status', '0'],
      ['grpc-message', 'fine'],
    ],
  }
  const transport = new FakeTransport({ getExchange: () => withTrailers })
  const store = createAppStore(transport)
  const stop = store.getState().start()
  await tick()
  transport.emit('exchanges', { exchanges: [summary(1, { url: detail.url })] })
  await tick()
  store.getState().openDetail('x1')
  render(
    <StoreContext.Provider value={store}>
      <DetailPane />
    </StoreContext.Provider>,
  )
  const panel = await waitFor(() => screen.getByTestId('panel-headers'))
  const table = await waitFor(() => within(panel).getByTestId('response-trailers'))
  assert.deepEqual(rows(table), withTrailers.responseTrailers)
  assert.equal(table.getAttribute('aria-label'), 'Response trailers')
  assert.equal(within(panel).queryByTestId('request-trailers'), null, 'the request sent none')
  assert.equal(within(panel).getAllByText('Trailers').length, 1)
  stop()
})

test("an HTTP/2 request's pseudo-headers are shown as the wire had them, above its regular headers", async () => {
  const h2: ExchangeDetail = {
    ...detail,
    httpVersion: '2',
    requestPseudoHeaders: [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':authority', 'api.test'],
      [':path', '/orders?x=1'],
    ],
  }
  const transport = new FakeTransport({ getExchange: () => h2 })
  const store = createAppStore(transport)
  const stop = store.getState().start()
  await tick()
  transport.emit('exchanges', { exchanges: [summary(1, { url: detail.url })] })
  await tick()
  store.getState().openDetail('x1')
  render(
    <StoreContext.Provider value={store}>
      <DetailPane />
    </StoreContext.Provider>,
  )
  const panel = await waitFor(() => screen.getByTestId('panel-headers'))
  const pseudo = await waitFor(() => within(panel).getByTestId('request-pseudo-headers'))
  assert.deepEqual(rows(pseudo), h2.requestPseudoHeaders)
  assert.deepEqual(rows(within(panel).getByTestId('request-headers')), detail.requestHeaders, 'host stays')
  stop()
})
