/**
 * Throwaway certificates for the mutual-TLS example, made with the `openssl`
 * CLI in a fresh temp dir: a CA, a server certificate for localhost and
 * 127.0.0.1, and a client certificate. Every key is EC P-256 (PKCS#8).
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface Certs {
  /** The CA certificate (PEM file) that signed both others. */
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  /** The client certificate's common name. */
  clientName: string
  /** Deletes the temp dir. */
  remove(): void
}

const CONFIG = `
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
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`

export function makeCerts(): Certs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-examples-'))
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  const serial = () => '0x' + crypto.randomBytes(8).toString('hex')
  const issue = (name: string, commonName: string, extensions: string) => {
    openssl('req', '-new', '-config', 'openssl.cnf', ...newKey, '-keyout', `${name}.key`, '-subj', `/CN=${commonName}`,
      '-out', `${name}.csr`)
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial(),
      '-days', '1', '-sha256', '-extfile', 'openssl.cnf', '-extensions', extensions, '-out', `${name}.pem`)
  }

  fs.writeFileSync(path.join(dir, 'openssl.cnf'), CONFIG)
  openssl('req', '-x509', '-new', '-config', 'openssl.cnf', ...newKey, '-keyout', 'ca.key', '-out', 'ca.pem',
    '-subj', '/CN=mqtt-napi examples CA', '-days', '1', '-sha256', '-extensions', 'ca_ext', '-set_serial', serial())
  issue('server', 'localhost', 'server_ext')
  const clientName = 'mqtt-napi-example-client'
  issue('client', clientName, 'client_ext')

  const at = (file: string) => path.join(dir, file)
  return {
    ca: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    clientName,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}
