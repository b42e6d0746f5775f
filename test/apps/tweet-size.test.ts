import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('../../electron/apps/', import.meta.url))
const TWEET = 280

/** App code without its import lines, line breaks and indentation: what would go in the tweet. */
export function appCodeLength(source: string): number {
  return source
    .split('\n')
    .filter((l) => !/^\s*import\s/.test(l))
    .map((l) => l.trim())
    .join('').length
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
  test(`the ${file.replace('.ts', '')} app fits in a tweet (${TWEET} characters without imports)`, () => {
    const length = appCodeLength(readFileSync(dir + file, 'utf8'))
    assert.ok(length <= TWEET, `${file} is ${length} characters`)
  })
}

test('each app file holds only imports and one exported app function', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const code = readFileSync(dir + file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !/^\s*import\s/.test(l))
    assert.match(code[0] ?? '', /^export const \w+ = /, file)
    assert.equal(code.filter((l) => l.startsWith('export ')).length, 1, file)
  }
})
