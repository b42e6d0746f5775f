/**
 * Chaos stages in plain words for the window ("50% of requests answer 503", "every request waits 100–500 ms"),
 * where the engine's own description reads like code (`PercentageBased (50%) ReturnStatus (503)`,
 * `PT0.1S to PT0.5S`). The API keeps http4k's JSON; only the window speaks plainly.
 */
import { stageToControl, type BehaviourControl } from './chaos-stages.ts'

/** "100–500 ms", "250 ms", "1.5–3 s": a range of milliseconds as people write it. */
export function formatMsRange(minMs: number, maxMs: number): string {
  const seconds = minMs >= 1000 && maxMs >= 1000
  const n = (ms: number): string => (seconds ? String(Number((ms / 1000).toFixed(2))) : String(Math.round(ms)))
  const unit = seconds ? 's' : 'ms'
  return minMs === maxMs ? `${n(minMs)} ${unit}` : `${n(minMs)}–${n(maxMs)} ${unit}`
}

function who(c: BehaviourControl): { subject: string; plural: boolean } {
  if (c.scope === 'percentage') return { subject: `${c.percentage}% of requests`, plural: true }
  if (c.scope === 'count')
    return c.count === 1
      ? { subject: 'the next request', plural: false }
      : { subject: `the next ${c.count} requests`, plural: true }
  return { subject: 'every request', plural: false }
}

/** One toggle's stage as a sentence, e.g. "50% of requests answer 503". */
export function describeControl(c: BehaviourControl): string {
  const { subject, plural } = who(c)
  const verb = (one: string, many: string): string => (plural ? many : one)
  switch (c.id) {
    case 'status':
      return `${subject} ${verb('answers', 'answer')} ${c.status}`
    case 'latency':
      return `${subject} ${verb('waits', 'wait')} ${formatMsRange(c.minMs, c.maxMs)}`
    case 'no-body':
      return `${subject} ${verb('loses its', 'lose their')} response body`
    case 'truncate':
      return `${subject} ${verb('has its', 'have their')} response body cut to ${c.bytes} bytes`
    case 'reset':
      return `${subject} ${verb('has its', 'have their')} connection reset`
  }
}

/**
 * The stages as sentences joined by "; then, for the rest, ": the first stage whose trigger fires answers a
 * request. Stages the toggles cannot express fall back to the engine's description with its durations in ms.
 */
export function describeStages(stages: readonly unknown[], engineDescription: string): string {
  if (stages.length === 0) return 'no behaviours'
  const sentences: string[] = []
  for (const stage of stages) {
    const control = stageToControl(stage)
    if (!control) return plainDurations(engineDescription)
    sentences.push(describeControl(control))
  }
  return sentences.join('; otherwise ')
}

/** ISO-8601 durations in a text made readable: "PT0.1S to PT0.5S" → "100–500 ms", "PT2S" → "2000 ms". */
export function plainDurations(text: string): string {
  const ms = (iso: string): number | undefined => {
    const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso)
    return m ? Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000) : undefined
  }
  const iso = 'PT[\\d.HMS]+'
  return text
    .replace(new RegExp(`(${iso}) to (${iso})`, 'gi'), (whole, a: string, b: string) => {
      const min = ms(a)
      const max = ms(b)
      return min !== undefined && max !== undefined ? formatMsRange(min, max) : whole
    })
    .replace(new RegExp(iso, 'gi'), (whole) => {
      const v = ms(whole)
      return v !== undefined ? formatMsRange(v, v) : whole
    })
}
