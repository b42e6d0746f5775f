/**
 * Live state that must not be missed: chaos switched on (naming what, with one click to turn it off) and a
 * recording that stopped by itself (saying why).
 */
import { useMemo, useState } from 'react'
import type { ChaosInfo } from '../../../shared/exchange.ts'
import { activeChaos } from '../store/chaos-slice.ts'
import { describeStages } from '../lib/chaos-words.ts'
import { stopKey } from '../store/recording-slice.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function LiveBanners() {
  const chaos = useApp((s) => s.chaos)
  const recordings = useApp((s) => s.recordings)
  const dismissed = useApp((s) => s.dismissedStops)
  const on = useMemo(() => activeChaos(chaos), [chaos])
  const stopped = useMemo(
    () => Object.values(recordings).filter((r) => r.stoppedBecause && !r.recording && !dismissed.includes(stopKey(r))),
    [recordings, dismissed],
  )
  if (on.length === 0 && stopped.length === 0) return null
  return (
    <div className="live-banners">
      {on.map((c) => (
        <ChaosBanner key={c.listenerId} info={c} />
      ))}
      {stopped.map((r) => (
        <StoppedBanner key={r.listenerId} listenerId={r.listenerId} reason={r.stoppedBecause!} />
      ))}
    </div>
  )
}

function ChaosBanner({ info }: { info: ChaosInfo }) {
  const store = useAppStore()
  const url = useApp((s) => s.listeners.find((l) => l.id === info.listenerId)?.url)
  const [busy, setBusy] = useState(false)
  return (
    <div className="banner banner-chaos" role="status" data-testid="chaos-banner" data-listener={info.listenerId}>
      <span className="chaos-icon" aria-hidden="true">
        ⚡
      </span>
      <span className="banner-text">
        <strong>Chaos is on</strong>
        {url ? (
          <>
            {' '}
            at <code>{url}</code>
          </>
        ) : (
          ''
        )}
        : <span title={info.description}>{describeStages(info.stages, info.description)}</span>
        <span className="muted"> · {info.chaoticCount.toLocaleString()} chaotic</span>
      </span>
      <button type="button" className="btn btn-small" onClick={() => store.getState().setView('chaos')}>
        Edit
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        data-testid="chaos-banner-off"
        onClick={() => {
          setBusy(true)
          store
            .getState()
            .setChaos(info.listenerId, { active: false })
            .catch((e: unknown) => store.getState().notify(e instanceof Error ? e.message : String(e)))
            .finally(() => setBusy(false))
        }}
      >
        Turn off
      </button>
    </div>
  )
}

function StoppedBanner({ listenerId, reason }: { listenerId: string; reason: string }) {
  const store = useAppStore()
  const url = useApp((s) => s.listeners.find((l) => l.id === listenerId)?.url)
  return (
    <div className="banner banner-error" role="alert" data-testid="recording-stopped-banner">
      <span className="banner-text">
        <strong>Recording stopped</strong>
        {url ? (
          <>
            {' '}
            on <code>{url}</code>
          </>
        ) : (
          ''
        )}
        : {reason}
      </span>
      <button type="button" className="btn btn-small" onClick={() => store.getState().setView('sessions')}>
        Sessions
      </button>
      <button
        type="button"
        className="btn btn-small"
        aria-label="Dismiss"
        onClick={() => store.getState().dismissStop(listenerId)}
      >
        ✕
      </button>
    </div>
  )
}
