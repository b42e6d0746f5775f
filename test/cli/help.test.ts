import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { runCli } from '../support/cli-process.ts'
import { COMMAND_HELP, helpFor, OVERVIEW } from '../../electron/cli/usage.ts'
import { COMMAND_NAMES } from '../../electron/cli/main.ts'
import type { FlagSpec } from '../../electron/cli/args.ts'
import { proxyCommandFlags } from '../../electron/cli/proxy-commands.ts'
import { CHAOS_FLAGS } from '../../electron/cli/chaos-command.ts'
import { STATIC_FLAGS } from '../../electron/cli/static-command.ts'
import { CLOCK_FLAGS } from '../../electron/cli/clock-command.ts'
import { CA_FLAGS } from '../../electron/cli/ca-command.ts'
import {
  HAR_EXPORT_FLAGS,
  HAR_IMPORT_FLAGS,
  RECORD_FLAGS,
  REPLAY_FLAGS,
  STANDIN_FLAGS,
} from '../../electron/cli/record-commands.ts'
import { EXPORT_FLAGS } from '../../electron/cli/export-command.ts'
import { SESSIONS_FLAGS } from '../../electron/cli/sessions-command.ts'
import { RUN_FLAGS } from '../../electron/cli/run-command.ts'
import { SERVE_FLAGS } from '../../electron/cli/serve-command.ts'

/** What each command parses, to hold its usage to. */
const SPECS: Record<string, FlagSpec> = {
  proxy: proxyCommandFlags('proxy'),
  latency: proxyCommandFlags('latency'),
  sniff: proxyCommandFlags('sniff'),
  chaos: CHAOS_FLAGS,
  record: RECORD_FLAGS,
  replay: REPLAY_FLAGS,
  standin: STANDIN_FLAGS,
  har: { ...HAR_EXPORT_FLAGS, ...HAR_IMPORT_FLAGS },
  export: EXPORT_FLAGS,
  sessions: SESSIONS_FLAGS,
  static: STATIC_FLAGS,
  clock: CLOCK_FLAGS,
  ca: CA_FLAGS,
  serve: SERVE_FLAGS,
  run: RUN_FLAGS,
}

test('every command has a usage entry, and every entry is a command the CLI knows', () => {
  assert.deepEqual(Object.keys(COMMAND_HELP).sort(), [...COMMAND_NAMES].sort())
  assert.deepEqual(
    Object.keys(SPECS).sort(),
    [...COMMAND_NAMES].sort(),
    'this test knows what flags each command takes (add new ones to SPECS)',
  )
})

test("each command's usage names every flag it takes, each with its default (or says it is required)", () => {
  for (const [command, spec] of Object.entries(SPECS)) {
    const usage = helpFor(command)!
    // An option's description may continue on the next, more indented line.
    const options = usage
      .replace(/\n {20,}/g, ' ')
      .split('\n')
      .filter((l) => /^ {2}(-\w, )?--/.test(l))
    for (const flag of Object.keys(spec)) {
      const line = options.find((l) => new RegExp(`^ {2}--${flag}\\b`).test(l))
      assert.ok(line, `nanoscope ${command} --help does not name --${flag}`)
      assert.match(line, /default|required/, `nanoscope ${command} --help gives no default for --${flag}: ${line}`)
    }
    for (const line of options) {
      const named = /--([\w-]+)/.exec(line)![1]!
      assert.ok(
        named === 'help' || named in spec,
        `nanoscope ${command} --help names --${named}, which it does not take`,
      )
    }
  }
})

test("nanoscope <command> --help and nanoscope help <command> print that command's usage alone and exit 0", async () => {
  const runs = [
    ['sniff', '--help'],
    ['help', 'sniff'],
    ['sniff', '--port', '0', '-h'],
  ].map((args) => runCli(args))
  for (const cli of runs) {
    assert.equal(await cli.exited(), 0)
    assert.equal(cli.stdout(), helpFor('sniff'))
    assert.equal(cli.stderr(), '')
  }
  assert.match(helpFor('sniff')!, /^Usage: nanoscope sniff \[options\]\n/)
  assert.doesNotMatch(helpFor('sniff')!, /nanoscope replay|--interval/)
})

test('nanoscope help lists the commands and exits 0 (bare nanoscope lists them on stderr, exit 2); nanoscope --version prints the package version', async () => {
  const help = runCli(['help'])
  const bare = runCli([])
  const version = runCli(['--version'])
  assert.equal(await bare.exited(), 2)
  assert.equal(bare.stderr(), OVERVIEW)
  assert.equal(await help.exited(), 0)
  assert.equal(help.stdout(), OVERVIEW)
  for (const command of Object.keys(SPECS)) assert.match(OVERVIEW, new RegExp(`^ {2}${command} +\\S`, 'm'))
  assert.equal(await version.exited(), 0)
  const { version: expected } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  assert.equal(version.stdout(), `nanoscope ${expected}\n`)
})
