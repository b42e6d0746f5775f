/** A running listener (or a seed app's command line) written back as the pipeline file `nanoscope run` takes. */
import type { BlockSpec } from './block.ts'
import type { ListenerFields } from './pipeline-file.ts'

export type ListenerOut = Omit<ListenerFields, 'pipeline'> & { readonly pipeline: readonly BlockSpec[] }

/** The file's text: two-space JSON, with the schema named so editors can check it (`nanoscope run --schema`). */
export function pipelineFileText(listeners: readonly ListenerOut[]): string {
  return `${JSON.stringify({ listeners: listeners.map(clean) }, null, 2)}\n`
}

function clean(l: ListenerOut): ListenerOut {
  return Object.fromEntries(
    Object.entries(l).filter(([, v]) => v !== undefined && v !== false),
  ) as unknown as ListenerOut
}
