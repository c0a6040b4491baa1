'use strict'
// aws-crt's TlsContextOptions, checked field by field, as the engine's TLS
// options and context; the engine's problems with them in aws-crt's names.

const native = require('../core/native')
const { Fields } = require('../core/fields')
const { isAlpnName } = require('../core/checks')
const { numericEnum } = require('./enum')

const TlsVersion = numericEnum({ SSLv3: 0, TLSv1: 1, TLSv1_1: 2, TLSv1_2: 3, TLSv1_3: 4, Default: 128 })

/** aws-crt's name of each engine TLS option. */
const OPTION_NAMES = {
  tls13Only: 'min_tls_version',
  caFile: 'ca_filepath',
  caDir: 'ca_dirpath',
  caPem: 'certificate_authority',
  certificateFile: 'certificate_filepath',
  certificatePem: 'certificate',
  privateKeyFile: 'private_key_filepath',
  privateKeyPem: 'private_key',
  pkcs12File: 'pkcs12_filepath',
  pkcs12Password: 'pkcs12_password',
}

/** An ALPN list: each protocol name 1 to 255 bytes long. */
function alpnList(fields, field) {
  const names = fields.stringList(field)
  const bad = names.find((name) => !isAlpnName(name))
  if (bad !== undefined) {
    throw new RangeError(
      `${fields.name(field)} must hold protocol names of 1 to 255 bytes (got one of ${Buffer.byteLength(bad)})`,
    )
  }
  return names
}

/** `TlsContextOptions` as the engine's TLS options. */
function nativeTlsOptions(options) {
  const fields = new Fields(options, 'options')
  const version = fields.optionalInteger('min_tls_version', 0, 255)
  if (version !== undefined && !Object.values(TlsVersion).includes(version)) {
    throw new RangeError(
      'options.min_tls_version must be an io.TlsVersion: SSLv3 (0), TLSv1 (1), ' +
        `TLSv1_1 (2), TLSv1_2 (3), TLSv1_3 (4) or Default (128) (got ${version})`,
    )
  }
  return {
    tls13Only: version === TlsVersion.TLSv1_3,
    caFile: fields.optionalString('ca_filepath'),
    caDir: fields.optionalString('ca_dirpath'),
    caPem: fields.optionalString('certificate_authority'),
    alpn: alpnList(fields, 'alpn_list'),
    certificateFile: fields.optionalString('certificate_filepath'),
    certificatePem: fields.optionalString('certificate'),
    privateKeyFile: fields.optionalString('private_key_filepath'),
    privateKeyPem: fields.optionalString('private_key'),
    pkcs12File: fields.optionalString('pkcs12_filepath'),
    pkcs12Password: fields.optionalString('pkcs12_password'),
    verifyPeer: fields.optionalBool('verify_peer') ?? true,
  }
}

/** The engine's context for `options` (a TlsContextOptions); a problem throws, named. */
function nativeTlsContext(options) {
  const made = native.createTlsContext(nativeTlsOptions(options))
  if (!(made instanceof native.NativeTlsContext)) {
    throw new Error(`io.ClientTlsContext: options.${OPTION_NAMES[made.option]}: ${made.reason}`)
  }
  return made
}

/** The engine's context inside `context`, if it is an io.ClientTlsContext. */
function nativeContextOf(context) {
  return context.native instanceof native.NativeTlsContext ? context.native : undefined
}

module.exports = { TlsVersion, alpnList, nativeTlsContext, nativeContextOf }
