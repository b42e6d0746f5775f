/**
 * A captured body: raw text by default, a labelled "Pretty" JSON view, hex for binary, a preview for images.
 * Content-encoding is undone for display only and says so; truncated bodies name their real size; a body capture
 * dropped to keep within its byte bound says so; bodies over 1 MiB wait for "Show anyway".
 */
import { useEffect, useMemo, useState } from 'react'
import type { BodyData, RawHeaderList } from '../../../shared/exchange.ts'
import { bodyBytes, bytesToText, classify, decodeContent, hexDump, type Decoded } from '../lib/body.ts'
import { formatBytes } from '../lib/format.ts'
import { headerValue } from '../lib/headers.ts'
import { isGrpc } from '../lib/grpc.ts'
import { GrpcMessages, GrpcStatusLine } from './grpc-view.tsx'

export const SIZE_GUARD_BYTES = 1024 * 1024
type Mode = 'raw' | 'pretty' | 'hex' | 'image' | 'grpc'

export function BodyViewer({
  body,
  headers,
  label,
  trailers,
}: {
  body: BodyData | null
  headers: RawHeaderList
  label: string
  /** The message's trailers: a gRPC answer's status is shown from them. */
  trailers?: RawHeaderList | undefined
}) {
  const [forced, setForced] = useState(false)
  const testid = label.toLowerCase().replace(/\s+/g, '-')
  const grpc = isGrpc(headerValue(headers, 'content-type'))
  if (!body || body.size === 0)
    return (
      <section className="body" data-testid={testid}>
        <h3>{label}</h3>
        {grpc && <GrpcStatusLine headers={headers} trailers={trailers} />}
        <p className="muted small">No body.</p>
      </section>
    )
  const guarded = body.size > SIZE_GUARD_BYTES && !forced
  return (
    <section className="body" data-testid={testid} aria-label={label}>
      <h3>
        {label} <span className="muted small num">{formatBytes(body.size)}</span>
      </h3>
      {grpc && <GrpcStatusLine headers={headers} trailers={trailers} />}
      {body.missing !== undefined && (
        <p className="label label-warn" data-testid="incomplete">
          {body.missing === null
            ? 'Incomplete: the body did not all arrive (its length was not declared)'
            : `Incomplete: ${formatBytes(body.size - body.missing)} of ${formatBytes(body.size)} arrived; ${body.missing.toLocaleString()} bytes never did`}
        </p>
      )}
      {body.dropped && (
        <p className="label label-warn" data-testid="dropped">
          Not kept: capture holds bodies up to its byte limit in all (Settings) and dropped this older one; its{' '}
          {formatBytes(body.size)} went through unchanged
        </p>
      )}
      {!body.dropped &&
        body.truncated &&
        Math.floor((body.base64.length * 3) / 4) < body.size - (body.missing ?? 0) && (
          <p className="label label-warn" data-testid="truncated">
            Truncated: captured {formatBytes(Math.floor((body.base64.length * 3) / 4))} of {formatBytes(body.size)} (
            {body.size.toLocaleString()} bytes)
          </p>
        )}
      {body.dropped ? null : guarded ? (
        <div className="size-guard">
          <p>This body is {formatBytes(body.size)}; showing it may slow the window down.</p>
          <button type="button" className="btn" onClick={() => setForced(true)}>
            Show anyway
          </button>
        </div>
      ) : (
        <BodyContent body={body} headers={headers} />
      )}
    </section>
  )
}

function BodyContent({ body, headers }: { body: BodyData; headers: RawHeaderList }) {
  const raw = useMemo(() => bodyBytes(body), [body])
  const encoding = headerValue(headers, 'content-encoding')
  const contentType = headerValue(headers, 'content-type')
  const [decoded, setDecoded] = useState<Decoded | undefined>(undefined)
  const [showEncoded, setShowEncoded] = useState(false)
  useEffect(() => {
    let live = true
    void decodeContent(raw, encoding).then((d) => {
      if (live) setDecoded(d)
    })
    return () => {
      live = false
    }
  }, [raw, encoding])

  if (!decoded) return <p className="muted small">Decoding…</p>
  const wasDecoded = decoded.decodedFrom.length > 0 && !showEncoded
  const bytes = wasDecoded ? decoded.bytes : raw
  return (
    <>
      {decoded.decodedFrom.length > 0 && (
        <p className="label label-info" data-testid="decoded-label">
          {showEncoded
            ? `Encoded bytes as on the wire (${decoded.decodedFrom.join(', ')})`
            : `Decoded for display from ${decoded.decodedFrom.join(', ')}${decoded.partial ? ' (partially: the capture is cut short)' : ''}`}{' '}
          <button type="button" className="link" onClick={() => setShowEncoded(!showEncoded)}>
            {showEncoded ? 'Show decoded' : 'Show as on the wire'}
          </button>
        </p>
      )}
      {decoded.problem && <p className="label label-warn">Shown as on the wire: {decoded.problem}.</p>}
      <BodyBytes key={wasDecoded ? 'decoded' : 'raw'} bytes={bytes} contentType={contentType} headers={headers} />
    </>
  )
}

function BodyBytes({
  bytes,
  contentType,
  headers,
}: {
  bytes: Uint8Array
  contentType: string | undefined
  headers: RawHeaderList
}) {
  const kind = useMemo(() => classify(bytes, contentType), [bytes, contentType])
  const modes: Mode[] = isGrpc(contentType)
    ? ['grpc', 'hex', 'raw']
    : kind === 'json'
      ? ['raw', 'pretty', 'hex']
      : kind === 'image'
        ? ['image', 'hex']
        : kind === 'binary'
          ? ['hex', 'raw']
          : ['raw', 'hex']
  const [mode, setMode] = useState<Mode>(modes[0]!)
  return (
    <div className="body-view">
      <div className="segmented" role="group" aria-label="Body view">
        {modes.map((m) => (
          <button
            key={m}
            type="button"
            className="seg"
            aria-pressed={mode === m}
            data-testid={`body-mode-${m}`}
            onClick={() => setMode(m)}
          >
            {MODE_NAMES[m]}
          </button>
        ))}
      </div>
      {mode === 'raw' && (
        <pre className="code" data-testid="body-text">
          {bytesToText(bytes)}
        </pre>
      )}
      {mode === 'pretty' && <Pretty bytes={bytes} />}
      {mode === 'hex' && <Hex bytes={bytes} />}
      {mode === 'image' && <ImagePreview bytes={bytes} contentType={contentType} />}
      {mode === 'grpc' && <GrpcMessages bytes={bytes} headers={headers} />}
    </div>
  )
}

const MODE_NAMES: Readonly<Record<Mode, string>> = {
  raw: 'Raw',
  pretty: 'Pretty',
  hex: 'Hex',
  image: 'Preview',
  grpc: 'gRPC messages',
}

function Pretty({ bytes }: { bytes: Uint8Array }) {
  const result = useMemo(() => {
    try {
      return { ok: true as const, text: JSON.stringify(JSON.parse(bytesToText(bytes)), null, 2) }
    } catch (e) {
      return { ok: false as const, text: e instanceof Error ? e.message : String(e) }
    }
  }, [bytes])
  if (!result.ok) return <p className="label label-warn">Not valid JSON, so there is no pretty view: {result.text}</p>
  return (
    <>
      <p className="label label-info" data-testid="pretty-label">
        Prettified JSON — not as on the wire
      </p>
      <pre className="code" data-testid="body-pretty">
        {result.text}
      </pre>
    </>
  )
}

const HEX_LIMIT = 64 * 1024

function Hex({ bytes }: { bytes: Uint8Array }) {
  const [all, setAll] = useState(false)
  const limit = all ? bytes.length : HEX_LIMIT
  const text = useMemo(() => hexDump(bytes, limit), [bytes, limit])
  return (
    <>
      <pre className="code hex" data-testid="body-hex">
        {text}
      </pre>
      {bytes.length > limit && (
        <p className="muted small">
          Showing the first {formatBytes(limit)} of {formatBytes(bytes.length)}.{' '}
          <button type="button" className="link" onClick={() => setAll(true)}>
            Show all
          </button>
        </p>
      )}
    </>
  )
}

function ImagePreview({ bytes, contentType }: { bytes: Uint8Array; contentType: string | undefined }) {
  const [url, setUrl] = useState<string | undefined>(undefined)
  useEffect(() => {
    const u = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType?.split(';')[0] ?? 'image/*' }),
    )
    setUrl(u)
    return () => URL.revokeObjectURL(u)
  }, [bytes, contentType])
  return url ? (
    <div className="image-preview">
      <img src={url} alt="Body preview" data-testid="body-image" />
    </div>
  ) : null
}
