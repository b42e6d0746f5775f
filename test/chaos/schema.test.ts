/**
 * The small JSON Schema validator the chaos JSON is checked with: which values each kind of schema accepts, and the
 * field and message it names for the first one it does not.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { expected, ref, resolve, validate, type Components, type Schema } from '../../electron/chaos/schema.ts'

const components: Components = {
  Status: { type: 'integer', minimum: 100, maximum: 599, description: 'An HTTP status.' },
  Count: { type: 'integer', minimum: 0 },
  Ceiling: { type: 'integer', maximum: 9 },
  Word: { type: 'string', pattern: '^[a-z]+$', description: 'A lower-case word.' },
  Period: { type: 'string', format: 'duration', description: 'An ISO-8601 duration such as PT0.5S.' },
  When: { type: 'string', format: 'date-time', description: 'An instant.' },
  Regex: { type: 'string', format: 'regex', description: 'A regular expression.' },
  Colour: { type: 'string', enum: ['red', 'green'] },
  Flag: { type: 'boolean' },
  Box: {
    type: 'object',
    properties: { type: { type: 'string', enum: ['box'] }, size: ref('Count') },
    required: ['type', 'size'],
    additionalProperties: false,
  },
  Bag: { type: 'object', properties: { type: { type: 'string', enum: ['bag'] } }, required: ['type'] },
  Labels: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
  Thing: {
    title: 'thing',
    oneOf: [ref('Box'), ref('Bag')],
    discriminator: {
      propertyName: 'type',
      mapping: { box: '#/components/schemas/Box', bag: '#/components/schemas/Bag' },
    },
  },
  Untitled: {
    oneOf: [ref('Box')],
    discriminator: { propertyName: 'kind', mapping: { box: '#/components/schemas/Box' } },
  },
  NumberOrWord: { oneOf: [ref('Count'), ref('Colour')] },
  Things: { type: 'array', items: ref('Thing'), minItems: 1 },
  Loose: { type: 'array', items: { type: 'string' } },
  Alias: ref('Status'),
  LoopA: ref('LoopB'),
  LoopB: ref('LoopA'),
}

const check = (name: string, value: unknown) => validate(ref(name), value, components)
const problem = (field: string, message: string) => ({ field, message })

test('a reference resolves through references to its schema, and a missing or circular one is an error', () => {
  assert.equal(resolve(ref('Alias'), components), components.Status)
  assert.throws(
    () => resolve(ref('Nope'), components),
    new Error('schema reference #/components/schemas/Nope does not resolve'),
  )
  assert.throws(
    () => resolve(ref('LoopA'), components),
    /^Error: schema reference #\/components\/schemas\/Loop[AB] does not resolve$/,
  )
  const chain: Record<string, Schema> = { S0: { type: 'boolean' } }
  for (let i = 1; i <= 21; i++) chain[`S${i}`] = ref(`S${i - 1}`)
  assert.deepEqual(resolve(ref('S20'), chain), { type: 'boolean' }, 'twenty-one hops are followed')
  assert.throws(() => resolve(ref('S21'), chain), /does not resolve/)
})

test('a whole number within its bounds is accepted, and anything else is named with the range', () => {
  for (const ok of [100, 599, 200]) assert.equal(check('Status', ok), undefined, String(ok))
  for (const bad of [99, 600, 200.5, '200', null]) {
    assert.deepEqual(
      check('Status', bad),
      problem('$', `must be a whole number from 100 to 599; got ${JSON.stringify(bad)}`),
      String(bad),
    )
  }
  assert.equal(check('Count', 0), undefined)
  assert.deepEqual(check('Count', -1), problem('$', 'must be a whole number of at least 0; got -1'))
  assert.equal(check('Ceiling', -5), undefined)
  assert.equal(check('Ceiling', 9), undefined)
  assert.deepEqual(check('Ceiling', 10), problem('$', 'must be a whole number; got 10'))
})

test('a string is checked against its enum, pattern and format, and described by its description', () => {
  assert.equal(check('Colour', 'red'), undefined)
  assert.deepEqual(check('Colour', 'blue'), problem('$', 'must be one of red, green; got "blue"'))
  assert.deepEqual(check('Colour', 1), problem('$', 'must be one of red, green; got 1'))
  assert.equal(check('Word', 'abc'), undefined)
  assert.deepEqual(check('Word', 'aBc'), problem('$', 'must be a lower-case word; got "aBc"'))
  assert.equal(check('Period', 'PT1S'), undefined)
  assert.deepEqual(check('Period', '1s'), problem('$', 'must be an ISO-8601 duration such as PT0.5S; got "1s"'))
  assert.equal(check('When', '2030-01-01T00:00:00Z'), undefined)
  assert.deepEqual(check('When', 'tomorrow'), problem('$', 'must be an instant; got "tomorrow"'))
  assert.equal(check('Regex', 'a+b'), undefined)
  assert.deepEqual(check('Regex', 'a(b'), problem('$', 'must be a regular expression; got "a(b"'))
  assert.equal(validate({ type: 'string' }, 'any', components), undefined)
  assert.deepEqual(validate({ type: 'string' }, 5, components), problem('$', 'must be a string; got 5'))
})

test('a boolean is true or false and nothing else', () => {
  assert.equal(check('Flag', true), undefined)
  assert.equal(check('Flag', false), undefined)
  assert.deepEqual(check('Flag', 'true'), problem('$', 'must be true or false; got "true"'))
})

test('an object needs its required fields, checks each field, and names an unknown one with those it knows', () => {
  assert.equal(check('Box', { type: 'box', size: 3 }), undefined)
  assert.deepEqual(check('Box', { type: 'box' }), problem('$.size', 'is required'))
  assert.deepEqual(check('Box', { size: 1 }), problem('$.type', 'is required'))
  assert.deepEqual(
    check('Box', { type: 'box', size: -1 }),
    problem('$.size', 'must be a whole number of at least 0; got -1'),
  )
  assert.deepEqual(
    check('Box', { type: 'box', size: 1, colour: 'red' }),
    problem('$.colour', 'is not a known field; expected type, size'),
  )
  assert.deepEqual(check('Bag', { type: 'bag', extra: 1 }), problem('$.extra', 'is not a known field; expected type'))
  for (const bad of [[], null, 'box']) {
    assert.deepEqual(check('Box', bad), problem('$', `must be a JSON object; got ${JSON.stringify(bad)}`))
  }
  assert.equal(check('Labels', { a: 'x', b: 'y' }), undefined)
  assert.deepEqual(check('Labels', { a: 'x', b: 2 }), problem('$.b', 'must be a string; got 2'))
})

test('a discriminated union picks its variant by the tag, and names a missing or unknown tag with the choices', () => {
  assert.equal(check('Thing', { type: 'bag' }), undefined)
  assert.deepEqual(
    check('Thing', { type: 'box', size: 'big' }),
    problem('$.size', 'must be a whole number of at least 0; got "big"'),
  )
  assert.deepEqual(check('Thing', {}), problem('$.type', 'is missing; expected one of box, bag'))
  assert.deepEqual(check('Thing', { type: 'tin' }), problem('$.type', 'unknown thing "tin"; expected one of box, bag'))
  assert.deepEqual(check('Thing', { type: 7 }), problem('$.type', 'unknown thing 7; expected one of box, bag'))
  assert.deepEqual(check('Untitled', { kind: 'tin' }), problem('$.kind', 'unknown kind "tin"; expected one of box'))
  for (const bad of [[], null, 'box']) {
    assert.deepEqual(check('Thing', bad), problem('$', 'must be a JSON object with a "type" field'))
  }
})

test('a plain union accepts what any option accepts, and otherwise says every option it expected', () => {
  assert.equal(check('NumberOrWord', 3), undefined)
  assert.equal(check('NumberOrWord', 'green'), undefined)
  assert.deepEqual(
    check('NumberOrWord', true),
    problem('$', 'must be a whole number of at least 0 or one of red, green; got true'),
  )
})

test('an array checks its length and each item, naming the item by its index', () => {
  assert.equal(check('Things', [{ type: 'bag' }, { type: 'box', size: 1 }]), undefined)
  assert.deepEqual(check('Things', []), problem('$', 'must have at least 1 item(s)'))
  assert.deepEqual(check('Things', [{ type: 'bag' }, { type: 'box' }]), problem('$[1].size', 'is required'))
  assert.deepEqual(check('Things', { type: 'bag' }), problem('$', 'must be a JSON array; got {"type":"bag"}'))
  assert.equal(check('Loose', []), undefined, 'no minItems: empty is fine')
  assert.deepEqual(check('Loose', ['a', 1]), problem('$[1]', 'must be a string; got 1'))
})

test('the value shown in a message is cut to 60 characters', () => {
  const long = 'x'.repeat(100)
  const message = check('Colour', long)!.message
  assert.equal(message, `must be one of red, green; got "${'x'.repeat(56)}...`)
  assert.equal(check('Colour', 'y'.repeat(58))!.message, `must be one of red, green; got "${'y'.repeat(58)}"`)
  assert.equal(check('Colour', undefined)!.message, 'must be one of red, green; got undefined')
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const found = check('Flag', value)
      if (typeof value === 'boolean') return found === undefined
      const shown = found!.message.replace('must be true or false; got ', '')
      const full = JSON.stringify(value)
      return full.length <= 60 ? shown === full : shown === `${full.slice(0, 57)}...`
    }),
  )
})

test('what a schema expects reads as English', () => {
  assert.equal(expected({ type: 'integer', minimum: 1, maximum: 5 }), 'a whole number from 1 to 5')
  assert.equal(expected({ type: 'integer', minimum: 1 }), 'a whole number of at least 1')
  assert.equal(expected({ type: 'integer' }), 'a whole number')
  assert.equal(expected({ type: 'string', enum: ['a', 'b'] }), 'one of a, b')
  assert.equal(expected({ type: 'string', description: 'Ignored without a format or pattern.' }), 'a string')
  assert.equal(expected({ type: 'string', format: 'regex' }), 'a string', 'a format without a description')
  assert.equal(expected({ type: 'string', pattern: 'x', description: 'Some Words.' }), 'some Words')
  assert.equal(expected({ type: 'boolean' }), 'a JSON boolean')
  assert.equal(expected({ type: 'array', items: { type: 'boolean' } }), 'a JSON array')
  assert.equal(expected({ oneOf: [] }), 'a valid value')
  assert.equal(expected(ref('Status')), 'a valid value')
})

test('a field path names the nesting of the bad value', () => {
  const deep: Components = {
    Outer: { type: 'object', properties: { list: { type: 'array', items: ref('Inner') } } },
    Inner: { type: 'object', properties: { ok: { type: 'boolean' } } },
  }
  assert.deepEqual(
    validate(ref('Outer'), { list: [{ ok: true }, { ok: 1 }] }, deep),
    problem('$.list[1].ok', 'must be true or false; got 1'),
  )
  assert.deepEqual(validate(ref('Outer'), { list: [] }, deep, 'body'), undefined)
  assert.deepEqual(
    validate(ref('Inner'), { ok: 'no' }, deep, 'body'),
    problem('body.ok', 'must be true or false; got "no"'),
  )
})
