/**
 * A compact validator of the HAR 1.2 required structure (after ahmadnassri/har-schema): required fields,
 * their types, and the rules other tools rely on. Returns the problems found, each with its JSON path.
 */
type Json = Record<string, unknown>

export function validateHar(doc: unknown): string[] {
  const errors: string[] = []
  const problem = (message: string): false => {
    errors.push(message)
    return false
  }
  const obj = (v: unknown, path: string): v is Json =>
    (v !== null && typeof v === 'object' && !Array.isArray(v)) || problem(`${path} must be an object`)
  const arr = (v: unknown, path: string): v is unknown[] => Array.isArray(v) || problem(`${path} must be an array`)
  const str = (o: Json, k: string, path: string) => {
    if (typeof o[k] !== 'string') errors.push(`${path}.${k} must be a string`)
  }
  const num = (o: Json, k: string, path: string, min = -Infinity) => {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) errors.push(`${path}.${k} must be a number`)
    else if ((o[k] as number) < min) errors.push(`${path}.${k} must be at least ${min}`)
  }
  const optNum = (o: Json, k: string, path: string, min: number) => {
    if (o[k] !== undefined) num(o, k, path, min)
  }
  const nameValues = (v: unknown, path: string) => {
    if (arr(v, path))
      v.forEach((x, i) => {
        if (obj(x, `${path}[${i}]`)) {
          str(x, 'name', `${path}[${i}]`)
          str(x, 'value', `${path}[${i}]`)
        }
      })
  }
  const iso = (o: Json, k: string, path: string) => {
    str(o, k, path)
    if (
      typeof o[k] === 'string' &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(o[k] as string)
    )
      errors.push(`${path}.${k} must be ISO 8601`)
  }
  if (!obj(doc, 'har')) return errors
  const log = doc.log
  if (!obj(log, 'log')) return errors
  if (log.version !== '1.2') errors.push('log.version must be "1.2"')
  if (obj(log.creator, 'log.creator')) {
    str(log.creator, 'name', 'log.creator')
    str(log.creator, 'version', 'log.creator')
  }
  if (!arr(log.entries, 'log.entries')) return errors
  log.entries.forEach((e, i) => {
    const p = `log.entries[${i}]`
    if (!obj(e, p)) return
    iso(e, 'startedDateTime', p)
    num(e, 'time', p, 0)
    if (e.cache === undefined) errors.push(`${p}.cache is required`)
    else obj(e.cache, `${p}.cache`)
    const q = e.request
    if (obj(q, `${p}.request`)) {
      const pq = `${p}.request`
      str(q, 'method', pq)
      str(q, 'url', pq)
      str(q, 'httpVersion', pq)
      if (typeof q.url === 'string' && (!/^[a-z][a-z0-9+.-]*:\/\//i.test(q.url) || q.url.includes('#')))
        errors.push(`${pq}.url must be absolute without a fragment`)
      nameValues(q.cookies, `${pq}.cookies`)
      nameValues(q.headers, `${pq}.headers`)
      nameValues(q.queryString, `${pq}.queryString`)
      num(q, 'headersSize', pq, -1)
      num(q, 'bodySize', pq, -1)
      if (q.postData !== undefined && obj(q.postData, `${pq}.postData`)) {
        str(q.postData, 'mimeType', `${pq}.postData`)
        if (q.postData.params !== undefined && q.postData.text !== undefined)
          errors.push(`${pq}.postData has both params and text`)
      }
    }
    const s = e.response
    if (obj(s, `${p}.response`)) {
      const ps = `${p}.response`
      num(s, 'status', ps)
      str(s, 'statusText', ps)
      str(s, 'httpVersion', ps)
      str(s, 'redirectURL', ps)
      nameValues(s.cookies, `${ps}.cookies`)
      nameValues(s.headers, `${ps}.headers`)
      num(s, 'headersSize', ps, -1)
      num(s, 'bodySize', ps, -1)
      if (obj(s.content, `${ps}.content`)) {
        num(s.content, 'size', `${ps}.content`)
        str(s.content, 'mimeType', `${ps}.content`)
        if (s.content.text !== undefined && typeof s.content.text !== 'string')
          errors.push(`${ps}.content.text must be a string`)
        if (s.content.encoding !== undefined && typeof s.content.encoding !== 'string')
          errors.push(`${ps}.content.encoding must be a string`)
      }
    }
    const t = e.timings
    if (obj(t, `${p}.timings`)) {
      for (const k of ['send', 'wait', 'receive']) num(t, k, `${p}.timings`, 0)
      for (const k of ['blocked', 'dns', 'connect', 'ssl']) optNum(t, k, `${p}.timings`, -1)
      const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
        .map((k) => t[k])
        .filter((x): x is number => typeof x === 'number' && x >= 0)
        .reduce((a, b) => a + b, 0)
      if (typeof e.time === 'number' && Math.abs(sum - e.time) > 0.01)
        errors.push(`${p}.time (${e.time}) must equal the sum of its timings (${sum})`)
    }
  })
  return errors
}
