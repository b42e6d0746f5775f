/**
 * The Setup pane's HTTPS section: the local CA that interception signs with, a download of it, and how to
 * trust it in each OS, browser and runtime.
 */
import { useEffect, useState } from 'react'
import type { ResultOf } from '../../../shared/contract.ts'
import { downloadText } from '../lib/download.ts'
import { messageOf } from '../store/session-slice.ts'
import { useAppStore } from '../store/use-app.ts'
import { CopyButton } from './copy-button.tsx'

type Ca = ResultOf<'getCa'>
type Loaded = { status: 'loading' } | { status: 'ready'; ca: Ca } | { status: 'error'; message: string }

export function HttpsSetup({ proxyUrl, onIntercepting }: { proxyUrl: string; onIntercepting?: (on: boolean) => void }) {
  const store = useAppStore()
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' })
  useEffect(() => {
    let live = true
    store
      .getState()
      .command('getCa', {})
      .then(
        (ca) => {
          if (live) {
            setLoaded({ status: 'ready', ca })
            onIntercepting?.(ca.intercepting)
          }
        },
        (e: unknown) => {
          if (live) setLoaded({ status: 'error', message: messageOf(e) })
        },
      )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store])

  if (loaded.status === 'loading')
    return (
      <section className="card setup-line">
        <h3>HTTPS</h3>
        <p className="muted small">
          <span className="spinner" aria-hidden="true" /> Loading the certificate authority…
        </p>
      </section>
    )
  if (loaded.status === 'error')
    return (
      <section className="card setup-line">
        <h3>HTTPS</h3>
        <p className="error-text" role="alert">
          Could not read the certificate authority: {loaded.message}
        </p>
      </section>
    )
  const ca = loaded.ca
  const path = ca.certPath
  const steps: { id: string; title: string; text: string; note?: string }[] = [
    {
      id: 'macos',
      title: 'macOS (Keychain: Safari, Chrome, curl)',
      text: `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${path}"`,
    },
    {
      id: 'windows',
      title: 'Windows (certmgr: Edge, Chrome)',
      text: `certutil -addstore -user Root "${path}"`,
      note: 'Or open certmgr.msc → Trusted Root Certification Authorities → Certificates → All Tasks → Import.',
    },
    {
      id: 'linux',
      title: 'Linux system store (Debian, Ubuntu)',
      text: `sudo cp "${path}" /usr/local/share/ca-certificates/nanoscope-ca.crt && sudo update-ca-certificates`,
    },
    {
      id: 'nss',
      title: 'Linux Chrome and Chromium (NSS)',
      text: `certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Nanoscope CA" -i "${path}"`,
      note: 'certutil comes with libnss3-tools.',
    },
    {
      id: 'firefox',
      title: 'Firefox (its own store, every OS)',
      text: 'Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import…',
      note: 'Pick the downloaded nanoscope-ca.pem and tick “Trust this CA to identify websites”. Or set security.enterprise_roots.enabled to use the OS store.',
    },
    { id: 'node', title: 'Node.js', text: `export NODE_EXTRA_CA_CERTS="${path}"` },
    { id: 'curl', title: 'curl', text: `curl --cacert "${path}" -x ${proxyUrl} https://example.com/` },
  ]
  return (
    <section className="card setup-line" aria-labelledby="https-title" data-testid="setup-ca">
      <h3 id="https-title">HTTPS: the Nanoscope certificate authority</h3>
      <p className={`label ${ca.intercepting ? 'label-info' : 'label-warn'}`} data-testid="intercepting">
        {ca.intercepting
          ? 'HTTPS interception is on: clients that trust this CA show their HTTPS exchanges in full.'
          : 'HTTPS interception is off: HTTPS is tunnelled with CONNECT, so you see the tunnel (host, bytes, timing) but not what is inside.'}
      </p>
      <dl className="facts ca-facts">
        <div>
          <dt>Certificate</dt>
          <dd className="mono" data-testid="ca-path">
            {path}
          </dd>
        </div>
        <div>
          <dt>SHA-256</dt>
          <dd className="mono fingerprint" data-testid="ca-sha256">
            {ca.sha256}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="download-ca"
          onClick={() => downloadText('nanoscope-ca.pem', ca.pem, 'application/x-pem-file')}
        >
          Download CA certificate
        </button>
        <CopyButton text={path} label="Copy path" title="Copy the certificate's path" />
        <CopyButton text={ca.sha256} label="Copy fingerprint" title="Copy the SHA-256 fingerprint" />
      </div>
      <p className="muted small">
        Trust it only on machines you control: anyone with its key could read your HTTPS traffic. Compare the
        fingerprint before you trust it.
      </p>
      <h3>Trust it</h3>
      {steps.map((s) => (
        <div key={s.id} className="trust-step" data-testid={`trust-${s.id}`}>
          <div className="trust-title">{s.title}</div>
          <div className="snippet">
            <code>{s.text}</code>
            <CopyButton text={s.text} />
          </div>
          {s.note && <p className="muted small">{s.note}</p>}
        </div>
      ))}
      <p className="muted small" data-testid="chromium-note">
        “Launch Chromium through the proxy” below trusts this CA for that browser only, by its public key (SPKI),
        without touching any store: <code className="wrap">{ca.chromiumFlag}</code>
      </p>
    </section>
  )
}
