/**
 * Two exchanges side by side: request line, status, timing and sizes, then headers and bodies as line diffs
 * (JSON compared with its keys sorted, so key order is not a difference). Differing lines are marked with a
 * background and a sign (− only in the first, + only in the second), never by colour alone.
 */
import { useEffect, useState } from 'react'
import type { BodyData, ExchangeDetail, RawHeaderList } from '../../../shared/exchange.ts'
import { base64ToBytes, bytesToText, looksLikeText } from '../lib/body.ts'
import { formatBytes, formatMs, statusText } from '../lib/format.ts'
import { comparableJson, lineDiff } from '../lib/line-diff.ts'
import { messageOf } from '../store/session-slice.ts'
import { useAppStore } from '../store/use-app.ts'

export function ComparePane({ a, b }: { a: string; b: string }) {
  const store = useAppStore()
  const [pair, setPair] = useState<[ExchangeDetail | null, ExchangeDetail | null] | string | undefined>(undefined)
  useEffect(() => {
    let live = true
    const get = (id: string) => store.getState().command('getExchange', { id })
    Promise.all([get(a), get(b)]).then(
      (p) => {
        if (live) setPair(p)
      },
      (e: unknown) => {
        if (live) setPair(messageOf(e))
      },
    )
    return () => {
      live = false
    }
  }, [a, b, store])
  const close = (
    <button
      type="button"
      className="btn btn-small"
      data-testid="compare-close"
      onClick={() => store.getState().closeCompare()}
    >
      Close compare
    </button>
  )
  if (pair === undefined)
    return (
      <section className="detail compare" aria-label="Compare">
        <p className="muted">Loading…</p>
        {close}
      </section>
    )
  if (typeof pair === 'string' || !pair[0] || !pair[1]) {
    return (
      <section className="detail compare" aria-label="Compare">
        <p className="error-text">
          Could not compare: {typeof pair === 'string' ? pair : 'one of them is no longer kept'}
        </p>
        {close}
      </section>
    )
  }
  const [x, y] = pair
  const facts: [string, string, string][] = [
    ['Request', `${x.method} ${x.url}`, `${y.method} ${y.url}`],
    [
      'Status',
      `${statusText(x)}${x.reason ? ` ${x.reason}` : ''}`,
      `${statusText(y)}${y.reason ? ` ${y.reason}` : ''}`,
    ],
    [
      'Duration',
      x.durationMs === undefined ? '—' : formatMs(x.durationMs),
      y.durationMs === undefined ? '—' : formatMs(y.durationMs),
    ],
    ['Sent', formatBytes(x.requestSize) || '—', formatBytes(y.requestSize) || '—'],
    ['Received', formatBytes(x.responseSize) || '—', formatBytes(y.responseSize) || '—'],
  ]
  return (
    <section className="detail compare" aria-label="Compare" data-testid="compare">
      <header className="detail-head">
        <h2 className="compare-title">
          Compare #{x.seq} and #{y.seq}
        </h2>
        {close}
      </header>
      <table className="compare-table">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">#{x.seq}</th>
            <th scope="col">#{y.seq}</th>
          </tr>
        </thead>
        <tbody>
          {facts.map(([name, left, right]) => (
            <tr
              key={name}
              className={left === right ? '' : 'diff-changed'}
              data-testid={`compare-${name.toLowerCase()}`}
            >
              <th scope="row">
                {name}
                {left === right ? '' : ' (differs)'}
              </th>
              <td className="mono">{left}</td>
              <td className="mono">{right}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Diff
        title="Request headers"
        x={headerLines(x.requestHeaders)}
        y={headerLines(y.requestHeaders)}
        seqs={[x.seq, y.seq]}
      />
      <Diff
        title="Response headers"
        x={headerLines(x.responseHeaders)}
        y={headerLines(y.responseHeaders)}
        seqs={[x.seq, y.seq]}
      />
      <BodyDiff title="Request body" x={x.requestBody} y={y.requestBody} seqs={[x.seq, y.seq]} />
      <BodyDiff title="Response body" x={x.responseBody} y={y.responseBody} seqs={[x.seq, y.seq]} />
    </section>
  )
}

const headerLines = (h: RawHeaderList): string[] => h.map(([n, v]) => `${n}: ${v}`)

function BodyDiff({
  title,
  x,
  y,
  seqs,
}: {
  title: string
  x: BodyData | null | undefined
  y: BodyData | null | undefined
  seqs: [number, number]
}) {
  const bx = x ? base64ToBytes(x.base64) : new Uint8Array(0)
  const by = y ? base64ToBytes(y.base64) : new Uint8Array(0)
  if (!looksLikeText(bx) || !looksLikeText(by)) {
    const same = bx.length === by.length && bx.every((v, i) => v === by[i])
    return (
      <>
        <h3 className="message-title">{title}</h3>
        <p>
          Binary: {same ? 'the same bytes' : `different (${formatBytes(bx.length)} and ${formatBytes(by.length)})`}.
        </p>
      </>
    )
  }
  const tx = bytesToText(bx),
    ty = bytesToText(by)
  const jx = comparableJson(tx),
    jy = comparableJson(ty)
  const json = jx !== undefined && jy !== undefined
  return (
    <Diff
      title={`${title}${json ? ' (JSON, keys sorted)' : ''}`}
      x={(json ? jx : tx).split('\n')}
      y={(json ? jy : ty).split('\n')}
      seqs={seqs}
    />
  )
}

function Diff({ title, x, y, seqs }: { title: string; x: string[]; y: string[]; seqs: [number, number] }) {
  const rows = lineDiff(x, y)
  const changed = rows?.filter((r) => r.kind === 'changed').length ?? 0
  return (
    <>
      <h3 className="message-title">
        {title}:{' '}
        {rows === undefined
          ? 'too long to compare line by line'
          : changed === 0
            ? 'the same'
            : changed === 1
              ? '1 line differs'
              : `${changed} lines differ`}
      </h3>
      {rows && rows.length > 0 && (
        <table className="diff-table mono" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">#{seqs[0]}</th>
              <th scope="col">#{seqs[1]}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} className={r.kind === 'same' ? '' : 'diff-changed'}>
                <td>
                  {r.kind === 'changed' && r.a !== undefined ? (
                    <>
                      <span className="diff-sign" aria-hidden="true">
                        −{' '}
                      </span>
                      <span className="sr-only">only in the first: </span>
                    </>
                  ) : null}
                  {r.a ?? ''}
                </td>
                <td>
                  {r.kind === 'changed' && r.b !== undefined ? (
                    <>
                      <span className="diff-sign" aria-hidden="true">
                        +{' '}
                      </span>
                      <span className="sr-only">only in the second: </span>
                    </>
                  ) : null}
                  {r.b ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
