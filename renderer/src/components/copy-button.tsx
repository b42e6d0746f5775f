/** A small button that copies text and says so for a moment. */
import { useEffect, useState } from 'react'
import { copyText } from '../lib/clipboard.ts'

export function CopyButton({ text, label = 'Copy', title }: { text: string; label?: string; title?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const t = setTimeout(() => setState('idle'), 1500)
    return () => clearTimeout(t)
  }, [state])
  return (
    <button
      type="button"
      className="btn btn-small"
      title={title ?? `Copy ${text}`}
      onClick={() => {
        void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  )
}
