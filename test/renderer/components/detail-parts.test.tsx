import './dom.ts'
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { HeadersTable } from '../../../renderer/src/components/headers-table.tsx'
import { BodyViewer, SIZE_GUARD_BYTES } from '../../../renderer/src/components/body-viewer.tsx'

afterEach(() => cleanup())

const b64 = (text: string) => Buffer.from(text).toString('base64')

test('the headers table shows headers exactly as on the wire: order, case and duplicates', () => {
  render(
    <HeadersTable
      label="Request headers"
      headers={[
        ['Host', 'a.test'],
        ['x-dup', '1'],
        ['X-Dup', '2'],
        ['content-type', 'text/plain'],
      ]}
    />,
  )
  const rows = screen.getByRole('table', { name: 'Request headers' }).querySelectorAll('tr')
  assert.deepEqual(
    [...rows].map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent]),
    [
      ['Host', 'a.test'],
      ['x-dup', '1'],
      ['X-Dup', '2'],
      ['content-type', 'text/plain'],
    ],
  )
})

test('a JSON body shows raw first, and the Pretty view says it is prettified', async () => {
  render(
    <BodyViewer
      label="Response body"
      headers={[['Content-Type', 'application/json']]}
      body={{ base64: b64('{"a":1,"b":[2]}'), size: 15, truncated: false }}
    />,
  )
  await waitFor(() => screen.getByTestId('body-text'))
  assert.equal(screen.getByTestId('body-text').textContent, '{"a":1,"b":[2]}')
  fireEvent.click(screen.getByTestId('body-mode-pretty'))
  assert.match(screen.getByTestId('pretty-label').textContent ?? '', /prettified/i)
  assert.match(screen.getByTestId('body-pretty').textContent ?? '', /"a": 1/)
})

test('a binary body opens as hex', async () => {
  render(
    <BodyViewer
      label="Response body"
      headers={[['Content-Type', 'application/octet-stream']]}
      body={{ base64: Buffer.from([0, 1, 2, 0xff]).toString('base64'), size: 4, truncated: false }}
    />,
  )
  await waitFor(() => screen.getByTestId('body-hex'))
  assert.match(screen.getByTestId('body-hex').textContent ?? '', /00 01 02 ff/i)
})

test('a truncated body names its real size, and a huge one waits for "Show anyway"', async () => {
  const { unmount } = render(
    <BodyViewer label="Response body" headers={[]} body={{ base64: b64('abc'), size: 3_000_000, truncated: true }} />,
  )
  assert.match(screen.getByTestId('truncated').textContent ?? '', /3,000,000 bytes/)
  assert.ok(3_000_000 > SIZE_GUARD_BYTES)
  assert.equal(screen.queryByTestId('body-text'), null)
  fireEvent.click(screen.getByRole('button', { name: 'Show anyway' }))
  await waitFor(() => screen.getByTestId('body-text'))
  unmount()
})

test('a body capture dropped to keep within its byte limit says so, with its real size, and shows no empty box', () => {
  render(
    <BodyViewer
      label="Response body"
      headers={[['Content-Type', 'text/plain']]}
      body={{ base64: '', size: 65_536, truncated: true, dropped: true }}
    />,
  )
  assert.match(screen.getByTestId('dropped').textContent ?? '', /Not kept: .*byte limit.*64 kB went through unchanged/)
  assert.equal(screen.queryByTestId('truncated'), null, 'not also called truncated')
  assert.equal(screen.queryByTestId('body-text'), null)
  assert.equal(screen.queryByRole('button', { name: 'Show anyway' }), null)
})

test('no body says so instead of showing an empty box', () => {
  render(<BodyViewer label="Request body" headers={[]} body={null} />)
  assert.equal(screen.getByTestId('request-body').textContent, 'Request bodyNo body.')
})

test('a gRPC body opens on its messages with their prefixes decoded, and the status from the trailers is named', async () => {
  const message = Buffer.from('ping')
  const body = Buffer.concat([
    Buffer.from([0, 0, 0, 0, message.length]),
    message,
    Buffer.from([1, 0, 0, 0, 2, 0x1f, 0x8b]),
  ])
  render(
    <BodyViewer
      label="Response body"
      headers={[
        ['content-type', 'application/grpc+proto'],
        ['grpc-encoding', 'gzip'],
      ]}
      trailers={[
        ['grpc-status', '14'],
        ['grpc-message', 'backend%20down'],
      ]}
      body={{ base64: body.toString('base64'), size: body.length, truncated: false }}
    />,
  )
  const list = await waitFor(() => screen.getByRole('region', { name: 'gRPC messages' }))
  assert.equal(screen.getByTestId('body-mode-grpc').getAttribute('aria-pressed'), 'true', 'the gRPC view comes first')
  assert.equal(screen.getByTestId('body-mode-grpc').textContent, 'gRPC messages')
  const prefixes = [...list.querySelectorAll('[data-testid="grpc-prefix"]')].map((p) => p.textContent)
  assert.deepEqual(prefixes, [
    '#1 at byte 0: flags 0x00 not compressed, length 4 bytes',
    '#2 at byte 9: flags 0x01 compressed (gzip), length 2 bytes',
  ])
  assert.equal(screen.getAllByTestId('grpc-text')[0]!.textContent, 'ping')
  assert.match(screen.getAllByTestId('grpc-hex')[1]!.textContent ?? '', /1f 8b/)
  assert.equal(screen.getByTestId('grpc-status').textContent, 'gRPC status 14 UNAVAILABLE: backend down')
  fireEvent.click(screen.getByTestId('body-mode-hex'))
  assert.equal(screen.queryByTestId('grpc-messages'), null)
  assert.match(screen.getByTestId('body-hex').textContent ?? '', /00 00 00 00 04 70 69 6e 67/)
})

test('a trailers-only gRPC answer shows its status from the headers', () => {
  render(
    <BodyViewer
      label="Response body"
      headers={[
        ['content-type', 'application/grpc'],
        ['grpc-status', '12'],
      ]}
      body={null}
    />,
  )
  assert.equal(
    screen.getByTestId('grpc-status').textContent,
    'gRPC status 12 UNIMPLEMENTED (in the headers: a trailers-only answer)',
  )
})
