import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseFlags, UsageError } from '../../electron/cli/args.ts'
import { TLS_FLAGS, tlsOptionsFromFlags } from '../../electron/cli/tls-flags.ts'
import { startHttpsUpstream, tempDir } from './fixtures.ts'

describe('the HTTPS flags of the proxy commands', () => {
  it('intercept by default, making the CA in the given folder, with the passthrough list split on commas', async () => {
    const dir = tempDir()
    try {
      const caDir = join(dir.path, 'ca')
      const options = await tlsOptionsFromFlags(
        parseFlags(['--ca-dir', caDir, '--passthrough', 'bank.example, *.corp.example'], TLS_FLAGS),
      )
      assert.ok(options.tls, 'interception is on')
      assert.deepEqual(options.tls.passthrough, ['bank.example', '*.corp.example'])
      assert.ok(existsSync(join(caDir, 'nanoscope-ca.key')))
      assert.equal(options.insecureUpstream, undefined)
      const again = await tlsOptionsFromFlags(parseFlags(['--ca-dir', caDir], TLS_FLAGS))
      assert.equal(again.tls?.certificates, options.tls.certificates, 'listeners share one minter and its cache')
    } finally {
      dir.remove()
    }
  })

  it('tunnel raw with --no-intercept and pass --insecure-upstream and --upstream-ca through', async () => {
    const upstream = await startHttpsUpstream()
    const dir = tempDir()
    try {
      const file = join(dir.path, 'upstream-ca.pem')
      writeFileSync(file, upstream.caPem)
      const options = await tlsOptionsFromFlags(
        parseFlags(['--no-intercept', '--insecure-upstream', '--upstream-ca', file], TLS_FLAGS),
      )
      assert.equal(options.tls, undefined)
      assert.equal(options.insecureUpstream, true)
      assert.deepEqual(options.upstreamCa, [upstream.caPem])
    } finally {
      dir.remove()
      await upstream.stop()
    }
  })

  it('call an unreadable --upstream-ca file a usage error that names it', async () => {
    await assert.rejects(
      tlsOptionsFromFlags(parseFlags(['--no-intercept', '--upstream-ca', '/no/such/ca.pem'], TLS_FLAGS)),
      (error: unknown) =>
        error instanceof UsageError && /--upstream-ca: cannot read \/no\/such\/ca\.pem \(ENOENT\)/.test(error.message),
    )
  })
})
