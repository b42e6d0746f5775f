import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import {
  CA_CERT_FILE,
  CA_KEY_FILE,
  caInfo,
  defaultCaDir,
  loadOrCreateCa,
} from '../../electron/tls/certificate-authority.ts'
import { chromiumTrustArgs } from '../../electron/tls/fingerprints.ts'
import { x509 } from '../../electron/tls/x509.ts'
import { runCaCommand } from '../../electron/cli/ca-command.ts'
import { tempDir } from './fixtures.ts'
import { needs } from '../support/counterparts.ts'

describe('the Nanoscope certificate authority', () => {
  it('is made on first use with a private key only its owner can read, and reused afterwards', async () => {
    const dir = tempDir()
    try {
      const caDir = join(dir.path, 'ca')
      const first = await loadOrCreateCa({ dir: caDir })
      assert.equal(first.created, true)
      assert.equal(statSync(first.keyPath).mode & 0o777, 0o600)
      assert.equal(statSync(caDir).mode & 0o077, 0)
      const again = await loadOrCreateCa({ dir: caDir })
      assert.equal(again.created, false)
      assert.equal(again.certPem, first.certPem)
    } finally {
      dir.remove()
    }
  })

  it('is a CA certificate: basic constraints cA=true, keyUsage keyCertSign, valid now and for years', async () => {
    const dir = tempDir()
    try {
      const ca = await loadOrCreateCa({ dir: dir.path })
      const cert = new x509.X509Certificate(ca.certPem)
      const basic = cert.getExtension(x509.BasicConstraintsExtension)
      assert.equal(basic?.ca, true)
      assert.equal(basic?.critical, true)
      const usage = cert.getExtension(x509.KeyUsagesExtension)
      assert.ok(usage && usage.usages & x509.KeyUsageFlags.keyCertSign, 'keyCertSign is set')
      assert.ok(cert.notBefore.getTime() < Date.now() && cert.notAfter.getTime() > Date.now() + 5 * 365 * 86_400_000)
      assert.equal(new X509Certificate(ca.certPem).ca, true)
      assert.ok(await cert.verify({ signatureOnly: true }), 'it is self-signed')
    } finally {
      dir.remove()
    }
  })

  it('reports the SHA-256 and SPKI fingerprints that openssl computes', { skip: needs('openssl') }, async () => {
    const dir = tempDir()
    try {
      const info = await caInfo({ dir: dir.path })
      assert.equal(info.certPath, join(dir.path, CA_CERT_FILE))
      const sha = execFileSync('openssl', ['x509', '-in', info.certPath, '-noout', '-fingerprint', '-sha256'], {
        encoding: 'utf8',
      })
      assert.equal(sha.trim().split('=')[1], info.sha256)
      const spki = execFileSync(
        'sh',
        [
          '-c',
          `openssl x509 -in '${info.certPath}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
        ],
        { encoding: 'utf8' },
      )
      assert.equal(spki.trim(), info.spki)
      assert.deepEqual(chromiumTrustArgs(info.spki), [`--ignore-certificate-errors-spki-list=${info.spki}`])
      assert.match(info.pem, /^-----BEGIN CERTIFICATE-----/)
    } finally {
      dir.remove()
    }
  })

  it('lives under NANOSCOPE_HOME when that is set', () => {
    const saved = process.env.NANOSCOPE_HOME
    process.env.NANOSCOPE_HOME = '/somewhere/else'
    try {
      assert.equal(defaultCaDir(), join('/somewhere/else', 'ca'))
    } finally {
      if (saved === undefined) delete process.env.NANOSCOPE_HOME
      else process.env.NANOSCOPE_HOME = saved
    }
  })

  it('refuses a half-present CA with a message saying how to fix it', async () => {
    const dir = tempDir()
    try {
      await loadOrCreateCa({ dir: dir.path })
      unlinkSync(join(dir.path, CA_KEY_FILE))
      await assert.rejects(
        loadOrCreateCa({ dir: dir.path }),
        /incomplete .*nanoscope-ca\.key is missing.*delete that folder/,
      )
    } finally {
      dir.remove()
    }
  })
})

describe('nanoscope ca', () => {
  it('prints the certificate path and its fingerprints, making the CA on first run', async () => {
    const dir = tempDir()
    try {
      let out = ''
      await runCaCommand(['--dir', dir.path], {
        write: (t: string) => {
          out += t
        },
      })
      const info = await caInfo({ dir: dir.path })
      assert.match(out, /^made a new Nanoscope CA: .*nanoscope-ca\.pem$/m)
      assert.ok(out.includes(`SHA-256 fingerprint: ${info.sha256}`))
      assert.ok(out.includes(`SPKI fingerprint: ${info.spki}`))
      out = ''
      await runCaCommand(['--dir', dir.path], {
        write: (t: string) => {
          out += t
        },
      })
      assert.match(out, /^Nanoscope CA: /)
    } finally {
      dir.remove()
    }
  })

  it('writes the certificate as PEM with --export', async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'exported.pem')
      let out = ''
      await runCaCommand([`--dir=${join(dir.path, 'ca')}`, '--export', file], {
        write: (t: string) => {
          out += t
        },
      })
      assert.ok(existsSync(file))
      assert.equal(readFileSync(file, 'utf8'), (await caInfo({ dir: join(dir.path, 'ca') })).pem)
      assert.match(out, /exported the CA certificate to .*exported\.pem/)
    } finally {
      dir.remove()
    }
  })

  it('rejects an unknown flag as a usage error', async () => {
    await assert.rejects(runCaCommand(['--bogus']), /unknown flag --bogus/)
  })
})
