/**
 * The chaos control API (http4k `RemoteChaosApi`), described once as a table of operations from which both the
 * routes and the OpenAPI document are made, so the two cannot disagree.
 *
 * Every control answer is `{"chaos":"<description>"}`, or `{"chaos":"none"}` when off; a bad body is a 400
 * naming the field. Unlike http4k there is no CORS: any web page could otherwise switch a local proxy's chaos.
 */
import { refuseCrossSite } from '../core/filters/refuse-cross-site.ts'
import type { HttpHandler } from '../core/http.ts'
import { bodyLength, bodyText, response, type Request, type Response } from '../core/message.ts'
import { route, routes, type Route } from '../core/routing.ts'
import { CHAOS_SCHEMAS } from './chaos-schemas.ts'
import { docsPage } from './docs-page.ts'
import type { ChaosEngine } from './engine.ts'
import { EXAMPLE_STAGES, openApiDocument } from './openapi.ts'
import { ref, type Schema } from './schema.ts'

export interface ControlOperation {
  readonly method: 'GET' | 'POST'
  /** Under the base path: '' is the base itself. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  readonly description: string
  readonly requestBody?: { readonly schema: Schema; readonly example: unknown; readonly required: boolean }
  readonly responses: Readonly<
    Record<string, { readonly description: string; readonly contentType: string; readonly schema?: Schema }>
  >
  readonly handle: HttpHandler
}

export interface ControlApi {
  readonly handler: HttpHandler
  readonly routes: readonly Route[]
  readonly operations: readonly ControlOperation[]
  readonly basePath: string
  openApi(): Record<string, unknown>
}

/** The largest control body read: stage JSON is small. */
export const MAX_CONTROL_BODY = 1024 * 1024

const JSON_TYPE = 'application/json; charset=utf-8'

export function chaosControlApi(engine: ChaosEngine, basePath = '/chaos'): ControlApi {
  if (!/^\/[^?#]*[^/]$/.test(basePath))
    throw new Error(
      `the chaos base path must start with '/' and not end with one, such as '/chaos'; got ${JSON.stringify(basePath)}`,
    )
  const status = (): Response => json(200, { chaos: engine.describe() })
  const statusResponse = {
    '200': {
      description: 'The chaos now being applied, or "none".',
      contentType: JSON_TYPE,
      schema: ref('ChaosStatus'),
    },
  }
  const withBody = {
    ...statusResponse,
    '400': {
      description: 'The body is not valid chaos JSON; the message names the bad field.',
      contentType: JSON_TYPE,
      schema: ref('ValidationError'),
    },
  }
  const stagesBody = (required: boolean) => ({ schema: ref('Stages'), example: EXAMPLE_STAGES, required })

  const activate: HttpHandler = async (req) => {
    const length = bodyLength(req.body)
    if (length !== undefined && length > MAX_CONTROL_BODY)
      return json(413, { message: `the body is over ${MAX_CONTROL_BODY} bytes`, field: '$' })
    const text = await bodyText(req.body)
    if (text.trim() === '') {
      engine.activate()
      return status()
    }
    const result = engine.setStages(text, { activate: true })
    return result.ok
      ? status()
      : json(400, { message: `${result.problem.field} ${result.problem.message}`, field: result.problem.field })
  }

  const operations: ControlOperation[] = [
    op(
      'GET',
      '/status',
      'getChaosStatus',
      'Show the current chaos.',
      'Describes in one line the chaos applied to proxied traffic, or "none" when it is off.',
      statusResponse,
      async () => status(),
    ),
    op(
      'GET',
      '/state',
      'getChaosState',
      'Show everything about the engine.',
      'Whether chaos is on, the live description, the stages as JSON and how many exchanges chaos has changed.',
      { '200': { description: 'The engine state.', contentType: JSON_TYPE, schema: ref('ChaosState') } },
      async () => json(200, engine.state()),
    ),
    {
      ...op(
        'POST',
        '/activate',
        'postChaosActivate',
        'Activate chaos.',
        'Turns chaos on. A non-empty body also replaces the stages, as /activate/new does.',
        withBody,
        activate,
      ),
      requestBody: stagesBody(false),
    },
    {
      ...op(
        'POST',
        '/activate/new',
        'postChaosActivateNew',
        'Activate new chaos.',
        'Replaces the stages with the body (one stage or an array run in order) and turns chaos on. An empty body just turns it on.',
        withBody,
        activate,
      ),
      requestBody: stagesBody(false),
    },
    op(
      'POST',
      '/deactivate',
      'postChaosDeactivate',
      'Deactivate chaos.',
      'Turns chaos off, keeping the stages.',
      statusResponse,
      async () => {
        engine.deactivate()
        return status()
      },
    ),
    op(
      'POST',
      '/toggle',
      'postChaosToggle',
      'Toggle chaos.',
      'Turns chaos on if it is off, off if it is on.',
      statusResponse,
      async () => {
        engine.toggle()
        return status()
      },
    ),
    op(
      'GET',
      '/openapi.json',
      'getChaosOpenApi',
      'This API as OpenAPI 3.',
      'The OpenAPI 3.1 document describing these endpoints and the chaos JSON.',
      openApiResponse(),
      async () => json(200, document()),
    ),
    op(
      'GET',
      '',
      'getChaosOpenApiAtBase',
      "This API as OpenAPI 3 (http4k's location).",
      'The same document as /openapi.json, where http4k serves it.',
      openApiResponse(),
      async () => json(200, document()),
    ),
    op(
      'GET',
      '/docs',
      'getChaosDocs',
      'Browsable documentation.',
      'A self-contained HTML page documenting these endpoints and the chaos JSON, with buttons to try them.',
      { '200': { description: 'The docs page.', contentType: 'text/html; charset=utf-8' } },
      async () =>
        response(200, {
          headers: [['Content-Type', 'text/html; charset=utf-8']],
          body: docsPage(document(), basePath),
        }),
    ),
  ]
  const document = (): Record<string, unknown> => openApiDocument(operations, basePath, CHAOS_SCHEMAS)
  const all = operations.map((o) => route(o.method, basePath + o.path, o.handle))
  return { handler: refuseCrossSite()(routes(...all)), routes: all, operations, basePath, openApi: document }
}

function op(
  method: 'GET' | 'POST',
  path: string,
  operationId: string,
  summary: string,
  description: string,
  responses: ControlOperation['responses'],
  handle: (req: Request) => Promise<Response>,
): ControlOperation {
  return { method, path, operationId, summary, description, responses, handle }
}

function openApiResponse(): ControlOperation['responses'] {
  return { '200': { description: 'An OpenAPI 3.1 document.', contentType: JSON_TYPE } }
}

function json(status: number, body: unknown): Response {
  return response(status, { headers: [['Content-Type', JSON_TYPE]], body: JSON.stringify(body) })
}
