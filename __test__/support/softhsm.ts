/**
 * SoftHSM2 tokens for the PKCS#11 suite, in a temp dir of their own: a
 * generated `softhsm2.conf` whose `directories.tokendir` is inside it, so
 * nothing touches the machine's tokens. Keys are imported with
 * `softhsm2-util --import` from PKCS#8 PEM files.
 *
 * SoftHSM reads `SOFTHSM2_CONF` from the C environment when the module is
 * initialized. Jest gives each test file a copy of `process.env`, which the
 * addon never sees, so `useSoftHsm` also sets it in the process's real
 * environment, through a worker thread that shares it (`SHARE_ENV`). SoftHSM
 * reads it at its first `C_Initialize` in a process and, as `DEFAULT`
 * libraries are never finalized, not again: one SoftHsm per process.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { SHARE_ENV, Worker } from 'worker_threads'
import type { Certs } from './certs'

/**
 * An EC key on `curve` (an openssl curve name) as PKCS#8 PEM, `${name}.key`,
 * and a client certificate for it, `${name}.pem`, signed by the test CA of
 * `certs` (made in its directory, with its `client_ext` extensions).
 */
export function ecClient(certs: Certs, curve: string, name: string): { cert: string; key: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certs.dir, stdio: ['ignore', 'pipe', 'pipe'] })
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', `${name}.key`)
  run('req', '-new', '-config', 'openssl.cnf', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`)
  run('x509', '-req', '-in', `${name}.csr`, '-CA', certs.caPath, '-CAkey', 'ca.key', '-set_serial', '0x' + Date.now().toString(16),
    '-days', '2', '-sha256', '-extfile', 'openssl.cnf', '-extensions', 'client_ext', '-out', `${name}.pem`)
  return { cert: path.join(certs.dir, `${name}.pem`), key: path.join(certs.dir, `${name}.key`) }
}

/** The private key in PEM file `key` as a PKCS#8 PEM file beside it, for `softhsm2-util --import`. */
export function pkcs8Of(key: string): string {
  const out = key.replace(/(\.key)?$/, '.p8')
  execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', key, '-out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
  return out
}

/** Where Debian's softhsm2 package puts the module. */
export const SOFTHSM_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so'

/** Why SoftHSM2 cannot be used here, or undefined when it can. */
function softHsmMissing(): string | undefined {
  if (!fs.existsSync(SOFTHSM_LIBRARY)) return `the SoftHSM2 module ${SOFTHSM_LIBRARY} is missing`
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'softhsm2-util is not on the PATH'
  }
  return undefined
}

export interface Token {
  label: string
  slotId: number
  pin: string
}

export interface SoftHsm {
  dir: string
  /** The generated configuration (`SOFTHSM2_CONF`). */
  config: string
  /** A new token in the first free slot, labelled `label`, with user PIN `pin`. */
  initToken(label: string, pin: string): Token
  /** Imports the private key in the PKCS#8 PEM file `pkcs8` as `label` (CKA_ID `id`, hex). */
  importKey(token: Token, pkcs8: string, label: string, id: string): void
  /** Deletes the tokens. */
  remove(): void
}

const SO_PIN = '87654321'

function softhsmUtil(config: string, args: string[]): string {
  try {
    return execFileSync('softhsm2-util', args, {
      env: { ...process.env, SOFTHSM2_CONF: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString()
  } catch (error) {
    const failed = error as { stdout?: Buffer; stderr?: Buffer }
    throw new Error(`softhsm2-util ${args.join(' ')}: ${failed.stdout ?? ''}${failed.stderr ?? ''}`)
  }
}

/** Sets `name` in the process's real environment, which native code reads. */
async function setNativeEnv(name: string, value: string): Promise<void> {
  const worker = new Worker(`process.env[${JSON.stringify(name)}] = ${JSON.stringify(value)}`, {
    eval: true,
    env: SHARE_ENV,
  })
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', () => resolve())
  })
}

/**
 * A SoftHSM2 with no token yet, that the module will use once it is
 * initialized in this process (make no `io.Pkcs11Lib` before this resolves).
 * Throws, never skips, when SoftHSM2 is not installed.
 */
export async function useSoftHsm(): Promise<SoftHsm> {
  const missing = softHsmMissing()
  if (missing) throw new Error(`${missing}: install softhsm2 (Debian's package; .ci/run installs it)`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-softhsm-'))
  const tokens = path.join(dir, 'tokens')
  fs.mkdirSync(tokens)
  const config = path.join(dir, 'softhsm2.conf')
  fs.writeFileSync(config, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`)
  await setNativeEnv('SOFTHSM2_CONF', config)
  const util = (...args: string[]) => softhsmUtil(config, args)
  return {
    dir,
    config,
    initToken(label, pin) {
      const said = util('--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', SO_PIN)
      const slot = /reassigned to slot (\d+)/.exec(said)
      if (!slot) throw new Error(`softhsm2-util did not say which slot it used: ${said}`)
      return { label, slotId: Number(slot[1]), pin }
    },
    importKey(token, pkcs8, label, id) {
      util('--import', pkcs8, '--token', token.label, '--label', label, '--id', id, '--pin', token.pin)
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
