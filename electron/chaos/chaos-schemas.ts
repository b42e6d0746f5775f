/**
 * The chaos JSON, as schemas: http4k's types (latency, status, response, body, snip, sniprequest, none;
 * always, once, percentage, countdown, deadline, delay, request; trigger, wait, repeat; `until`) plus
 * Nanoscope's (reset, hang, dribble, truncate, truncaterequest; and, or, not). Requests are validated
 * against these and the OpenAPI document publishes them unchanged.
 */
import { ref, type Components, type Schema } from './schema.ts'

const kind = (name: string): Schema => ({ type: 'string', enum: [name] })

function typed(
  name: string,
  description: string,
  properties: Record<string, Schema> = {},
  required: string[] = [],
): Schema {
  return {
    type: 'object',
    description,
    properties: { type: kind(name), ...properties },
    required: ['type', ...required],
    additionalProperties: false,
  }
}

function union(title: string, variants: Record<string, string>): Schema {
  return {
    title,
    oneOf: Object.values(variants).map(ref),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(Object.entries(variants).map(([t, n]) => [t, `#/components/schemas/${n}`])),
    },
  }
}

const until = {
  until: { ...ref('Trigger'), description: 'The stage finishes for good when this trigger first fires.' } as Schema,
}
const stringMap = (values: Schema, description: string): Schema => ({
  type: 'object',
  description,
  properties: {},
  additionalProperties: values,
})
const byteCount: Schema = { type: 'integer', minimum: 0, description: 'A number of bytes.' }

export const CHAOS_SCHEMAS: Components = {
  Duration: {
    type: 'string',
    format: 'duration',
    description: 'An ISO-8601 duration such as PT0.5S.',
    example: 'PT0.5S',
  },
  Instant: {
    type: 'string',
    format: 'date-time',
    description: 'An ISO-8601 instant such as 2030-01-01T00:00:00Z.',
    example: '2030-01-01T00:00:00Z',
  },
  Regex: {
    type: 'string',
    format: 'regex',
    description: 'A regular expression, matched against the whole value.',
    example: '.*bob',
  },

  Behaviour: union('behaviour', {
    latency: 'LatencyBehaviour',
    status: 'StatusBehaviour',
    response: 'ResponseBehaviour',
    body: 'NoBodyBehaviour',
    snip: 'SnipBehaviour',
    sniprequest: 'SnipRequestBehaviour',
    truncate: 'TruncateBehaviour',
    truncaterequest: 'TruncateRequestBehaviour',
    reset: 'ResetBehaviour',
    hang: 'HangBehaviour',
    dribble: 'DribbleBehaviour',
    none: 'NoneBehaviour',
  }),
  LatencyBehaviour: typed(
    'latency',
    'Waits a random time from min up to max before passing the request on (min = max for a fixed delay).',
    { min: ref('Duration'), max: ref('Duration') },
    ['min', 'max'],
  ),
  StatusBehaviour: typed(
    'status',
    'Answers with this status and an empty body; the upstream is not called.',
    { status: { type: 'integer', minimum: 100, maximum: 599 } },
    ['status'],
  ),
  ResponseBehaviour: typed(
    'response',
    'Answers with this response; the upstream is not called.',
    {
      status: { type: 'integer', minimum: 100, maximum: 599 },
      body: { type: 'string', description: 'The response body.' },
      headers: stringMap({ type: 'string' }, 'Response headers, name to value.'),
    },
    ['status'],
  ),
  NoBodyBehaviour: typed('body', 'Passes the request on, then removes the response body.'),
  SnipBehaviour: typed('snip', 'Passes the request on, then cuts the response body to a random shorter length.'),
  SnipRequestBehaviour: typed('sniprequest', 'Cuts the request body to a random shorter length, then passes it on.'),
  TruncateBehaviour: typed(
    'truncate',
    'Passes the request on, then cuts the response body to at most this many bytes.',
    { bytes: byteCount },
    ['bytes'],
  ),
  TruncateRequestBehaviour: typed(
    'truncaterequest',
    'Cuts the request body to at most this many bytes, then passes it on.',
    { bytes: byteCount },
    ['bytes'],
  ),
  ResetBehaviour: typed('reset', 'Drops the client connection without answering (the client sees a reset).'),
  HangBehaviour: typed(
    'hang',
    'Never answers: waits until the client gives up, or drops the connection after closeAfter.',
    { closeAfter: ref('Duration') },
  ),
  DribbleBehaviour: typed(
    'dribble',
    'Passes the request on, then sends the response body in small pieces spread over period.',
    { period: ref('Duration') },
    ['period'],
  ),
  NoneBehaviour: typed('none', 'Passes the request on untouched.'),

  Trigger: union('trigger', {
    always: 'AlwaysTrigger',
    once: 'OnceTrigger',
    percentage: 'PercentageTrigger',
    countdown: 'CountdownTrigger',
    deadline: 'DeadlineTrigger',
    delay: 'DelayTrigger',
    request: 'RequestTrigger',
    and: 'AndTrigger',
    or: 'OrTrigger',
    not: 'NotTrigger',
  }),
  AlwaysTrigger: typed('always', 'Fires for every request.'),
  OnceTrigger: typed('once', 'Fires once: the first time its trigger (if given) fires.', { trigger: ref('Trigger') }),
  PercentageTrigger: typed(
    'percentage',
    'Fires at random, as http4k does: when a random 0-99 is at most percentage.',
    { percentage: { type: 'integer', minimum: 0, maximum: 100 } },
    ['percentage'],
  ),
  CountdownTrigger: typed(
    'countdown',
    'Does not fire for the first count requests, then fires for every one (as until: "for the next count requests").',
    {
      count: {
        oneOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: '^[0-9]+$', description: 'A whole number written as a string, such as "10".' },
        ],
      },
    },
    ['count'],
  ),
  DeadlineTrigger: typed('deadline', 'Fires once the clock is past endTime.', { endTime: ref('Instant') }, ['endTime']),
  DelayTrigger: typed(
    'delay',
    'Fires once period has passed since the stage was activated.',
    { period: ref('Duration') },
    ['period'],
  ),
  RequestTrigger: typed(
    'request',
    'Fires for requests matching every given field; each regex must match the whole value.',
    {
      method: { type: 'string', description: 'The method, case-insensitive.' },
      host: ref('Regex'),
      path: ref('Regex'),
      queries: stringMap(ref('Regex'), 'Query parameter name to regex; any value may match.'),
      headers: stringMap(ref('Regex'), 'Header name (case-insensitive) to regex; any value may match.'),
      body: ref('Regex'),
    },
  ),
  AndTrigger: typed(
    'and',
    'Fires when every trigger fires (checked in order, stopping at the first that does not).',
    { triggers: { type: 'array', items: ref('Trigger'), minItems: 1 } },
    ['triggers'],
  ),
  OrTrigger: typed(
    'or',
    'Fires when any trigger fires (checked in order, stopping at the first that does).',
    { triggers: { type: 'array', items: ref('Trigger'), minItems: 1 } },
    ['triggers'],
  ),
  NotTrigger: typed('not', 'Fires when its trigger does not.', { trigger: ref('Trigger') }, ['trigger']),

  Stage: union('stage', { trigger: 'TriggerStage', wait: 'WaitStage', repeat: 'RepeatStage' }),
  TriggerStage: typed(
    'trigger',
    'Applies behaviour to requests for which trigger fires; otherwise the next stage answers.',
    { behaviour: ref('Behaviour'), trigger: ref('Trigger'), ...until },
    ['behaviour', 'trigger'],
  ),
  WaitStage: typed('wait', 'Does nothing and never finishes by itself: give it an until.', until),
  RepeatStage: typed(
    'repeat',
    'Runs its stages in order, then starts them again afresh.',
    { stages: { type: 'array', items: ref('Stage'), minItems: 1 }, ...until },
    ['stages'],
  ),
  Stages: {
    description: 'One stage, or an array of stages run one after another.',
    oneOf: [ref('Stage'), { type: 'array', items: ref('Stage'), minItems: 1 }],
  },

  ChaosStatus: {
    type: 'object',
    description: 'The chaos being applied, or "none" when chaos is off.',
    properties: { chaos: { type: 'string' } },
    required: ['chaos'],
    additionalProperties: false,
    example: { chaos: 'Always Latency (range = PT0.1S to PT0.5S)' },
  },
  ChaosState: {
    type: 'object',
    description: 'Everything a UI needs to show the engine.',
    properties: {
      active: { type: 'boolean', description: 'true when chaos is on.' },
      description: { type: 'string', description: 'The stages, described in English (live: counters count down).' },
      stages: { type: 'array', items: ref('Stage'), description: 'The stages as JSON, as last set.' },
      chaoticCount: { type: 'integer', minimum: 0, description: 'Exchanges chaos has changed so far.' },
      seed: { type: 'integer', description: 'The seed random decisions start from, when one was given.' },
    },
    required: ['active', 'description', 'stages', 'chaoticCount'],
  },
  ValidationError: {
    type: 'object',
    description: 'Why a request body was refused.',
    properties: {
      message: { type: 'string' },
      field: { type: 'string', description: 'JSON path of the bad field, such as $[0].behaviour.status.' },
    },
    required: ['message', 'field'],
  },
}
