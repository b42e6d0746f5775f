/**
 * A gRPC body as its messages (each 5-byte prefix decoded: compressed flag, declared length; the bytes as hex and
 * text) and the call's status (`grpc-status` with its name, `grpc-message` percent-decoded). Protobuf is not decoded:
 * the view says so.
 */
import { useMemo } from 'react'
import type { RawHeaderList } from '../../../shared/exchange.ts'
import { bytesToText, hexDump } from '../lib/body.ts'
import { formatBytes } from '../lib/format.ts'
import { grpcMessages, grpcStatus, type GrpcMessage } from '../lib/grpc.ts'
import { headerValue } from '../lib/headers.ts'

/** Messages shown at most; a stream with more says how many there are. */
const SHOWN = 200

export function GrpcMessages({ bytes, headers }: { bytes: Uint8Array; headers: RawHeaderList }) {
  const frames = useMemo(() => grpcMessages(bytes), [bytes])
  const encoding = headerValue(headers, 'grpc-encoding')
  return (
    <section className="grpc-messages" aria-label="gRPC messages" data-testid="grpc-messages">
      <p className="label label-info">
        {frames.more
          ? `More than ${frames.messages.length} length-prefixed messages`
          : frames.messages.length === 1
            ? '1 length-prefixed message'
            : `${frames.messages.length} length-prefixed messages`}{' '}
        — prefixes decoded for display, protobuf not decoded
      </p>
      {frames.messages.length === 0 && <p className="muted small">No whole message prefix in this body.</p>}
      <ol className="grpc-list">
        {frames.messages.slice(0, SHOWN).map((m, i) => (
          <li key={m.offset} data-testid="grpc-message">
            <p className="mono small grpc-prefix" data-testid="grpc-prefix">
              #{i + 1} at byte {m.offset}: {prefixWords(m, encoding)}
            </p>
            {m.bytes.length > 0 && (
              <>
                <pre className="code hex" tabIndex={0} aria-label={`Message ${i + 1} as hex`} data-testid="grpc-hex">
                  {hexDump(m.bytes, 4096)}
                </pre>
                {!m.compressed && (
                  <pre className="code" tabIndex={0} aria-label={`Message ${i + 1} as text`} data-testid="grpc-text">
                    {bytesToText(m.bytes.subarray(0, 4096))}
                  </pre>
                )}
              </>
            )}
          </li>
        ))}
      </ol>
      {frames.messages.length > SHOWN && (
        <p className="muted small">
          Showing the first {SHOWN} of {frames.more ? 'more than ' : ''}
          {frames.messages.length} messages.
        </p>
      )}
      {frames.leftover > 0 && (
        <p className="label label-warn">{frames.leftover} bytes at the end do not make a whole 5-byte prefix.</p>
      )}
    </section>
  )
}

function prefixWords(m: GrpcMessage, encoding: string | undefined): string {
  const kind = m.trailerFrame
    ? 'trailer frame (gRPC-Web)'
    : m.compressed
      ? `compressed (${encoding ?? 'grpc-encoding not given'})`
      : 'not compressed'
  const cut = m.bytes.length < m.length ? `, ${formatBytes(m.bytes.length)} captured` : ''
  return `flags 0x${m.flags.toString(16).padStart(2, '0')} ${kind}, length ${m.length.toLocaleString()} bytes${cut}`
}

/** The call's status line: `grpc-status 14 UNAVAILABLE: no backend`, from the trailers or a trailers-only head. */
export function GrpcStatusLine({ headers, trailers }: { headers: RawHeaderList; trailers: RawHeaderList | undefined }) {
  const status = grpcStatus(headers, trailers)
  if (!status) return null
  const ok = status.code === 0
  return (
    <p className={`label ${ok ? 'label-info' : 'label-warn'} grpc-status`} data-testid="grpc-status">
      gRPC status {status.raw.trim()} {status.name ?? '(not a gRPC status code)'}
      {status.message !== undefined ? `: ${status.message}` : ''}
      {status.from === 'headers' ? ' (in the headers: a trailers-only answer)' : ''}
    </p>
  )
}
