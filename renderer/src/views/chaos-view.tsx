/**
 * Chaos per proxy: the master switch, the live description and count, the behaviours editor, and the HTTP
 * control API that drives the same engine (changes made there arrive as `chaos` events and show here).
 */
import { describeStages } from '../lib/chaos-words.ts'
import { useState } from 'react'
import type { ChaosInfo, ListenerInfo } from '../../../shared/exchange.ts'
import { ChaosEditor } from '../components/chaos-editor.tsx'
import { CopyButton } from '../components/copy-button.tsx'
import { isProxyListener } from '../store/listener-kinds.ts'
import { useApp, useAppStore } from '../store/use-app.ts'

export function ChaosView() {
  const listeners = useApp((s) => s.listeners)
  const proxies = listeners.filter(isProxyListener)
  const [picked, setPicked] = useState<string | undefined>(undefined)
  const current = proxies.find((l) => l.id === picked) ?? proxies[0]
  if (!current) {
    return (
      <div className="page" data-testid="chaos-view">
        <div className="empty-state" data-testid="chaos-empty">
          <div className="big-icon" aria-hidden="true">
            ⚡
          </div>
          <h2>No proxy to make chaotic</h2>
          <p>
            Every proxy carries a chaos engine. Start one under Pipelines, then switch latency, error statuses, cut
            bodies or dropped connections on here.
          </p>
        </div>
      </div>
    )
  }
  return (
    <div className="page chaos" data-testid="chaos-view">
      {proxies.length > 1 && (
        <div className="tabs listener-tabs" role="tablist" aria-label="Proxies">
          {proxies.map((l) => (
            <ListenerTab key={l.id} listener={l} selected={l.id === current.id} onSelect={() => setPicked(l.id)} />
          ))}
        </div>
      )}
      <EngineCard key={current.id} listener={current} />
    </div>
  )
}

function ListenerTab({
  listener: l,
  selected,
  onSelect,
}: {
  listener: ListenerInfo
  selected: boolean
  onSelect: () => void
}) {
  const active = useApp((s) => s.chaos[l.id]?.active === true)
  return (
    <button
      type="button"
      role="tab"
      className="tab"
      aria-selected={selected}
      onClick={onSelect}
      data-testid="chaos-listener-tab"
    >
      {active && (
        <span className="chaos-icon" aria-label="chaos on">
          ⚡
        </span>
      )}
      {l.url}
      {l.mode === 'reverse' ? ' (reverse)' : ''}
    </button>
  )
}

function EngineCard({ listener: l }: { listener: ListenerInfo }) {
  const info = useApp((s) => s.chaos[l.id])
  return (
    <section
      className="card chaos-card"
      data-testid="chaos-engine"
      data-listener={l.id}
      data-active={info?.active === true}
      aria-label={`Chaos for ${l.url}`}
    >
      <div className="card-head">
        <span className="badge">{l.kind}</span>
        <code className="listener-url">{l.url}</code>
        {l.target && (
          <span className="muted small">
            → <code>{l.target}</code>
          </span>
        )}
        <span className="spacer" />
        {info && <MasterSwitch info={info} />}
      </div>
      {!info ? (
        <p className="muted small">
          <span className="spinner" aria-hidden="true" /> Loading the chaos engine…
        </p>
      ) : (
        <>
          <dl className="facts chaos-facts">
            <div>
              <dt>Now</dt>
              <dd data-testid="chaos-description" title={info.description}>
                {info.active
                  ? describeStages(info.stages, info.description)
                  : `off${info.stages.length > 0 ? ` (kept for when it is on: ${describeStages(info.stages, info.description)})` : ''}`}
              </dd>
            </div>
            <div>
              <dt>Chaotic exchanges</dt>
              <dd className="num" data-testid="chaotic-count">
                {info.chaoticCount.toLocaleString()}
              </dd>
            </div>
          </dl>
          <ChaosEditor info={info} />
          <ControlApi info={info} />
        </>
      )}
    </section>
  )
}

function MasterSwitch({ info }: { info: ChaosInfo }) {
  const store = useAppStore()
  const [busy, setBusy] = useState(false)
  const noStages = info.stages.length === 0
  return (
    <button
      type="button"
      role="switch"
      aria-checked={info.active}
      className={`switch ${info.active ? 'is-on' : ''}`}
      data-testid="chaos-switch"
      disabled={busy || (noStages && !info.active)}
      title={
        noStages && !info.active
          ? 'Switch a behaviour on below first'
          : info.active
            ? 'Turn chaos off'
            : 'Turn chaos on'
      }
      onClick={() => {
        setBusy(true)
        store
          .getState()
          .setChaos(info.listenerId, { active: !info.active })
          .catch((e: unknown) => store.getState().notify(e instanceof Error ? e.message : String(e)))
          .finally(() => setBusy(false))
      }}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-knob" />
      </span>
      Chaos {info.active ? 'on' : 'off'}
    </button>
  )
}

function ControlApi({ info }: { info: ChaosInfo }) {
  if (!info.controlUrl) {
    return (
      <p className="muted small">
        The HTTP control API answers on forward proxies only; this one forwards every path to its target.
      </p>
    )
  }
  const u = info.controlUrl
  const activate = `curl --noproxy '*' -X POST ${u}/activate/new -H 'Content-Type: application/json' \\\n  -d '{"type":"trigger","trigger":{"type":"always"},"behaviour":{"type":"status","status":503}}'`
  const off = `curl --noproxy '*' -X POST ${u}/deactivate`
  return (
    <div className="control-api">
      <h3>HTTP control API</h3>
      <p className="muted small">
        Tests can drive this engine over HTTP (http4k's chaos endpoints); the pane shows their changes live. Every
        endpoint is described in the{' '}
        <a href={`${u}/docs`} target="_blank" rel="noreferrer">
          docs page
        </a>{' '}
        and the{' '}
        <a href={`${u}/openapi.json`} target="_blank" rel="noreferrer">
          OpenAPI document
        </a>
        .
      </p>
      <div className="snippet" data-testid="control-url">
        <code>{u}</code>
        <CopyButton text={u} title="Copy the control URL" />
      </div>
      <div className="snippet">
        <code>{`curl --noproxy '*' ${u}/status`}</code>
        <CopyButton text={`curl --noproxy '*' ${u}/status`} />
      </div>
      <div className="snippet">
        <code>{activate}</code>
        <CopyButton text={activate} />
      </div>
      <div className="snippet">
        <code>{off}</code>
        <CopyButton text={off} />
      </div>
    </div>
  )
}
