/**
 * A self-contained HTML page documenting the control API from its OpenAPI document (no CDN, no external
 * files), with a button per endpoint that calls it from the page and shows the answer.
 */
type Doc = Record<string, unknown>
type Operation = {
  operationId: string
  summary: string
  description: string
  requestBody?: { content: Record<string, { example?: unknown }> }
}

export function docsPage(doc: Doc, basePath: string): string {
  const info = doc.info as { title: string; description: string }
  const paths = doc.paths as Record<string, Record<string, Operation>>
  const schemas = (doc.components as { schemas: Record<string, { description?: string }> }).schemas
  const ops = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, o]) => ({ path, method, o })),
  )
  const opHtml = ops
    .map(({ path, method, o }) => {
      const example = o.requestBody?.content['application/json']?.example
      return `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p><b>${esc(o.summary)}</b> ${esc(o.description)}</p>
${example === undefined ? '' : `<textarea id="body-${o.operationId}" rows="8" spellcheck="false">${esc(JSON.stringify(example, null, 2))}</textarea>`}
<button data-method="${method.toUpperCase()}" data-path="${esc(path)}" data-op="${o.operationId}">Try it</button>
<pre class="out" id="out-${o.operationId}"></pre></section>`
    })
    .join('\n')
  const schemaHtml = Object.entries(schemas)
    .map(
      ([name, s]) =>
        `<details id="schema-${name}"><summary><code>${name}</code> ${esc(s.description ?? '')}</summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre,textarea{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto}
textarea{width:100%;box-sizing:border-box}.op{border-top:1px solid #ddd;padding:.5rem 0}
.m{display:inline-block;min-width:3.5rem;text-align:center;border-radius:3px;color:#fff;font-size:13px}
.get{background:#2b7}.post{background:#27c}.out:empty{display:none}
</style></head><body>
<h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>The machine-readable document is at <a href="${esc(basePath)}/openapi.json"><code>${esc(basePath)}/openapi.json</code></a>.</p>
<h2>Endpoints</h2>
${opHtml}
<h2>Chaos JSON</h2>
<p>Post one stage or an array of stages. A stage applies a behaviour when a trigger fires; <code>until</code> ends a stage for good.</p>
${schemaHtml}
<script>
for (const b of document.querySelectorAll('button[data-op]')) b.addEventListener('click', async () => {
  const body = document.getElementById('body-' + b.dataset.op)
  const out = document.getElementById('out-' + b.dataset.op)
  try {
    const res = await fetch(b.dataset.path, { method: b.dataset.method, ...(body ? { body: body.value, headers: { 'Content-Type': 'application/json' } } : {}) })
    const text = await res.text()
    out.textContent = res.status + ' ' + res.statusText + '\\n' + text.slice(0, 4000)
  } catch (e) { out.textContent = String(e) }
})
</script></body></html>
`
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
