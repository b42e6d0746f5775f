/** The OpenAPI 3.1 document for the chaos control API, made from its operation table and the chaos schemas. */
import type { ControlOperation } from './control-api.ts'
import type { Components } from './schema.ts'

/** http4k's example: wait 30 s, then return 418 for 10 requests, then start again, until 2030. */
export const EXAMPLE_STAGES = [
  {
    type: 'repeat',
    stages: [
      { type: 'wait', until: { type: 'delay', period: 'PT30S' } },
      {
        type: 'trigger',
        behaviour: { type: 'status', status: 418 },
        trigger: { type: 'always' },
        until: { type: 'countdown', count: 10 },
      },
    ],
    until: { type: 'deadline', endTime: '2030-01-01T00:00:00Z' },
  },
]

export function openApiDocument(
  operations: readonly ControlOperation[],
  basePath: string,
  schemas: Components,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const o of operations) {
    const path = basePath + o.path
    paths[path] ??= {}
    paths[path]![o.method.toLowerCase()] = {
      operationId: o.operationId,
      summary: o.summary,
      description: o.description,
      tags: ['chaos'],
      ...(o.requestBody
        ? {
            requestBody: {
              required: o.requestBody.required,
              content: { 'application/json': { schema: o.requestBody.schema, example: o.requestBody.example } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(o.responses).map(([code, r]) => [
          code,
          {
            description: r.description,
            content: { [r.contentType.split(';')[0]!]: r.schema ? { schema: r.schema } : {} },
          },
        ]),
      ),
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nanoscope Chaos Engine',
      version: '1.0',
      description:
        'Switches chaos on and off for a Nanoscope proxy and sets what it does, in JSON compatible with ' +
        "http4k's chaos engine. Chaos applies only to proxied traffic, never to these endpoints.",
    },
    tags: [{ name: 'chaos', description: 'Chaos engine controls' }],
    paths,
    components: { schemas },
  }
}
