/**
 * Test certificates, made at run time with the `openssl` CLI in a temp dir
 * (nothing private is committed). `makeCerts()` builds them once per test file
 * (jest loads modules per file) and `removeCerts()` deletes the directory.
 *
 * - a test CA, and a CA directory (`caDir`, rehashed) for `ca_dirpath`
 * - server certificates signed by it: valid for DNS:localhost + IP:127.0.0.1,
 *   expired, and for the wrong name (DNS:wrong.example only)
 * - a second CA nobody trusts and a server certificate signed by it
 * - a client certificate (RSA) with its key as PKCS#8, PKCS#1, a PKCS#12
 *   bundle (password 'test-pass', modern and, if supported, -legacy), an EC
 *   client certificate with a SEC1 key, and a client certificate from the
 *   untrusted CA
 *
 * OpenSSL 3.0 has no `x509 -not_before/-not_after` (3.4+ has): the expired
 * certificate is made with `openssl ca -startdate/-enddate`.
 */
import { execFileSync } from 'child_process'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'

export interface Certs {
  dir: string
  /** Trusted test CA (PEM file) and its PEM text. */
  caPath: string
  caPem: string
  /** A directory holding the CA PEM, rehashed, for `ca_dirpath`. */
  caDir: string
  /** Server certificate (DNS:localhost, IP:127.0.0.1) and key. */
  serverCert: string
  serverKey: string
  /** Server certificate whose validity ended in the past (same key). */
  expiredCert: string
  /** Server certificate for DNS:wrong.example only (same key). */
  wrongNameCert: string
  /** A CA nobody trusts, and a server certificate (localhost, 127.0.0.1) it signed (same key). */
  untrustedCaPath: string
  untrustedServerCert: string
  /** Client certificate (RSA) and its key in PEM files. */
  clientCert: string
  /** PKCS#8 ("BEGIN PRIVATE KEY"). */
  clientKeyPkcs8: string
  /** PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
  clientKeyPkcs1: string
  /** PKCS#12 bundle of the client cert and key, password 'test-pass', OpenSSL 3 defaults. */
  clientP12: string
  /** The same bundle with `-legacy` (RC2/3DES), undefined if this openssl cannot make one. */
  clientP12Legacy?: string
  p12Password: string
  /** EC client certificate and its SEC1 key ("BEGIN EC PRIVATE KEY"). */
  ecClientCert: string
  ecClientKey: string
  /** A client certificate (and key) from the untrusted CA. */
  untrustedClientCert: string
  untrustedClientKey: string
  /** An RSA key that matches no certificate. */
  otherKey: string
  /** `openssl version` output. */
  opensslVersion: string
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
}

/** `openssl ca`'s sections for a CA run in the certificates' directory. */
const CA_SECTIONS = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_policy
unique_subject = no
copy_extensions = none
[ any_policy ]
commonName = supplied
`

const EXTENSIONS = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ wrong_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
${CA_SECTIONS}`

let cached: Certs | undefined

/** Makes (once per module registry, i.e. per test file) every certificate and key. */
export function makeCerts(): Certs {
  if (cached && fs.existsSync(cached.dir)) return cached
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-certs-'))
  const run = (...args: string[]) => openssl(args, dir)
  const at = (name: string) => path.join(dir, name)
  fs.writeFileSync(at('openssl.cnf'), EXTENSIONS)
  const serial = () => '0x' + crypto.randomBytes(8).toString('hex')
  const rsaKey = (name: string) => run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name)
  const selfSignedCa = (key: string, cert: string, cn: string) => {
    rsaKey(key)
    run('req', '-x509', '-new', '-config', 'openssl.cnf', '-key', key, '-out', cert, '-days', '3',
      '-subj', `/CN=${cn}`, '-extensions', 'ca_ext', '-sha256', '-set_serial', serial())
  }
  const sign = (csrKey: string, cn: string, caCert: string, caKey: string, ext: string, out: string) => {
    const csr = out + '.csr'
    run('req', '-new', '-config', 'openssl.cnf', '-key', csrKey, '-subj', `/CN=${cn}`, '-out', csr)
    run('x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', serial(), '-days', '2',
      '-sha256', '-extfile', 'openssl.cnf', '-extensions', ext, '-out', out)
  }

  const opensslVersion = run('version').trim()

  selfSignedCa('ca.key', 'ca.pem', 'mqtt-napi test CA')
  selfSignedCa('untrusted-ca.key', 'untrusted-ca.pem', 'mqtt-napi untrusted CA')

  rsaKey('server.key')
  sign('server.key', 'localhost', 'ca.pem', 'ca.key', 'server_ext', 'server.pem')
  sign('server.key', 'wrong.example', 'ca.pem', 'ca.key', 'wrong_ext', 'wrong-name.pem')
  sign('server.key', 'localhost', 'untrusted-ca.pem', 'untrusted-ca.key', 'server_ext', 'untrusted-server.pem')

  // Expired: `openssl ca` takes explicit start and end dates.
  fs.writeFileSync(at('index.txt'), '')
  fs.writeFileSync(at('serial'), crypto.randomBytes(8).toString('hex').toUpperCase() + '\n')
  run('req', '-new', '-config', 'openssl.cnf', '-key', 'server.key', '-subj', '/CN=localhost', '-out', 'expired.csr')
  run('ca', '-batch', '-config', 'openssl.cnf', '-name', 'test_ca', '-cert', 'ca.pem', '-keyfile', 'ca.key',
    '-in', 'expired.csr', '-out', 'expired.pem', '-notext', '-startdate', '20200101000000Z',
    '-enddate', '20200201000000Z', '-extfile', 'openssl.cnf', '-extensions', 'server_ext')

  rsaKey('client.key') // genpkey writes PKCS#8
  sign('client.key', 'mqtt-napi-client', 'ca.pem', 'ca.key', 'client_ext', 'client.pem')
  run('rsa', '-in', 'client.key', '-traditional', '-out', 'client.rsa.key')
  run('pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-out', 'client.p12',
    '-passout', 'pass:test-pass', '-name', 'mqtt-napi-client')
  let clientP12Legacy: string | undefined
  try {
    run('pkcs12', '-export', '-legacy', '-in', 'client.pem', '-inkey', 'client.key', '-out', 'client-legacy.p12',
      '-passout', 'pass:test-pass', '-name', 'mqtt-napi-client')
    clientP12Legacy = at('client-legacy.p12')
  } catch {
    clientP12Legacy = undefined
  }

  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'client-ec.key') // SEC1
  sign('client-ec.key', 'mqtt-napi-ec-client', 'ca.pem', 'ca.key', 'client_ext', 'client-ec.pem')

  rsaKey('untrusted-client.key')
  sign('untrusted-client.key', 'mqtt-napi-rogue', 'untrusted-ca.pem', 'untrusted-ca.key', 'client_ext',
    'untrusted-client.pem')
  rsaKey('other.key')

  const caDir = at('ca-dir')
  fs.mkdirSync(caDir)
  fs.copyFileSync(at('ca.pem'), path.join(caDir, 'ca.pem'))
  run('rehash', caDir)

  for (const f of fs.readdirSync(dir)) if (f.endsWith('.key')) fs.chmodSync(at(f), 0o600)

  const check = (file: string, marker: string) => {
    if (!fs.readFileSync(at(file), 'utf8').includes(marker)) throw new Error(`${file} lacks '${marker}'`)
  }
  check('client.key', '-----BEGIN PRIVATE KEY-----')
  check('client.rsa.key', '-----BEGIN RSA PRIVATE KEY-----')
  check('client-ec.key', '-----BEGIN EC PRIVATE KEY-----')

  cached = {
    dir,
    caPath: at('ca.pem'),
    caPem: fs.readFileSync(at('ca.pem'), 'utf8'),
    caDir,
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    expiredCert: at('expired.pem'),
    wrongNameCert: at('wrong-name.pem'),
    untrustedCaPath: at('untrusted-ca.pem'),
    untrustedServerCert: at('untrusted-server.pem'),
    clientCert: at('client.pem'),
    clientKeyPkcs8: at('client.key'),
    clientKeyPkcs1: at('client.rsa.key'),
    clientP12: at('client.p12'),
    clientP12Legacy,
    p12Password: 'test-pass',
    ecClientCert: at('client-ec.pem'),
    ecClientKey: at('client-ec.key'),
    untrustedClientCert: at('untrusted-client.pem'),
    untrustedClientKey: at('untrusted-client.key'),
    otherKey: at('other.key'),
    opensslVersion,
  }
  return cached
}

/** Deletes the certificate directory. */
export function removeCerts(): void {
  if (cached) fs.rmSync(cached.dir, { recursive: true, force: true })
  cached = undefined
}

/**
 * Certificates for how far trust reaches (made by `makeTrustCerts`):
 * self-signed server certificates that are their own CA, and an X.509 v1
 * client certificate.
 */
export interface TrustCerts {
  /**
   * A self-signed server certificate that is its own CA (basicConstraints
   * CA:TRUE), for DNS:localhost and IP:127.0.0.1, as home and development
   * brokers run: given as the CA, it is the whole chain. PEM file and text.
   */
  selfSignedCert: string
  selfSignedPem: string
  /** Its RSA key, shared by the two variants below. */
  selfSignedKey: string
  /** The same kind of certificate for DNS:localhost only (so 127.0.0.1 does not match it). */
  localhostOnlyCert: string
  localhostOnlyPem: string
  /** The same kind of certificate (localhost, 127.0.0.1), expired in 2020. */
  expiredSelfSignedCert: string
  expiredSelfSignedPem: string
  /**
   * An X.509 v1 client certificate signed by the test CA (`openssl x509 -req`
   * without extensions, as older openssl made by default and MQTT.js's own
   * test certificates are), its PKCS#8 key, and a PKCS#12 bundle of both
   * (password `p12Password` of `makeCerts`).
   */
  v1ClientCert: string
  v1ClientKey: string
  v1ClientP12: string
  /** `openssl x509 -text` of the v1 client certificate. */
  v1ClientText: string
}

const TRUST_CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ self_signed_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature, keyEncipherment
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
[ self_signed_ca_localhost ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature, keyEncipherment
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
${CA_SECTIONS}`

let trustCached: TrustCerts | undefined

/**
 * Makes (once per test file, in `certs.dir`/trust, so `removeCerts` deletes
 * them too) the certificates of `TrustCerts`; the v1 client certificate is
 * signed by `certs`' test CA.
 */
export function makeTrustCerts(certs: Certs = makeCerts()): TrustCerts {
  if (trustCached && fs.existsSync(trustCached.selfSignedCert)) return trustCached
  const dir = path.join(certs.dir, 'trust')
  fs.mkdirSync(dir, { recursive: true })
  const run = (...args: string[]) => openssl(args, dir)
  const at = (name: string) => path.join(dir, name)
  const serial = () => '0x' + crypto.randomBytes(8).toString('hex')
  fs.writeFileSync(at('trust.cnf'), TRUST_CONFIG)
  fs.writeFileSync(at('index.txt'), '')
  fs.writeFileSync(at('serial'), crypto.randomBytes(8).toString('hex').toUpperCase() + '\n')

  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'self-signed.key')
  const selfSigned = (extensions: string, out: string) =>
    run('req', '-x509', '-new', '-config', 'trust.cnf', '-key', 'self-signed.key', '-out', out, '-days', '3',
      '-subj', '/CN=localhost', '-extensions', extensions, '-sha256', '-set_serial', serial())
  selfSigned('self_signed_ca', 'self-signed.pem')
  selfSigned('self_signed_ca_localhost', 'localhost-only.pem')
  // Expired: `openssl ca -selfsign` takes explicit dates (openssl 3.0's x509 and req do not).
  run('req', '-new', '-config', 'trust.cnf', '-key', 'self-signed.key', '-subj', '/CN=localhost', '-out', 'expired.csr')
  run('ca', '-batch', '-selfsign', '-config', 'trust.cnf', '-keyfile', 'self-signed.key', '-in', 'expired.csr',
    '-out', 'expired-self-signed.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z',
    '-extfile', 'trust.cnf', '-extensions', 'self_signed_ca')

  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'v1-client.key')
  run('req', '-new', '-config', 'trust.cnf', '-key', 'v1-client.key', '-subj', '/CN=mqtt-napi-v1-client',
    '-out', 'v1-client.csr')
  // No -extfile: openssl then makes a version 1 certificate.
  run('x509', '-req', '-in', 'v1-client.csr', '-CA', certs.caPath, '-CAkey', path.join(certs.dir, 'ca.key'),
    '-set_serial', serial(), '-days', '2', '-sha256', '-out', 'v1-client.pem')
  run('pkcs12', '-export', '-in', 'v1-client.pem', '-inkey', 'v1-client.key', '-out', 'v1-client.p12',
    '-passout', `pass:${certs.p12Password}`, '-name', 'mqtt-napi-v1-client')
  const v1ClientText = run('x509', '-in', 'v1-client.pem', '-noout', '-text')
  if (!/Version: 1 \(0x0\)/.test(v1ClientText)) throw new Error(`v1-client.pem is not X.509 v1:\n${v1ClientText}`)
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.key')) fs.chmodSync(at(f), 0o600)

  const read = (name: string) => fs.readFileSync(at(name), 'utf8')
  trustCached = {
    selfSignedCert: at('self-signed.pem'),
    selfSignedPem: read('self-signed.pem'),
    selfSignedKey: at('self-signed.key'),
    localhostOnlyCert: at('localhost-only.pem'),
    localhostOnlyPem: read('localhost-only.pem'),
    expiredSelfSignedCert: at('expired-self-signed.pem'),
    expiredSelfSignedPem: read('expired-self-signed.pem'),
    v1ClientCert: at('v1-client.pem'),
    v1ClientKey: at('v1-client.key'),
    v1ClientP12: at('v1-client.p12'),
    v1ClientText,
  }
  return trustCached
}
