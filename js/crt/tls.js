'use strict'
// aws-crt's TlsContextOptions, checked field by field, as the engine's TLS
// options and context; the engine's problems with them in aws-crt's names.

const native = require('../core/native')
const { Fields, describe } = require('../core/fields')
const { isAlpnName } = require('../core/checks')
const { numericEnum } = require('./enum')

const TlsVersion = numericEnum({ SSLv3: 0, TLSv1: 1, TLSv1_1: 2, TLSv1_2: 3, TLSv1_3: 4, Default: 128 })

/** How a TlsContextOptions was made (aws-crt's numbers; 3 is Java's key store). */
const CertificateSource = numericEnum({ CERTIFICATE_FILES: 0, PKCS11: 1, WINDOWS_CERT_STORE: 2, PKCS12_FILE: 4 })

const TlsCipherPreference = numericEnum({ Default: 0, PQ_TLSv1_0_2021_05: 6, PQ_Default: 8, TLSv1_2_2025_07: 9 })

/**
 * The engine's cipher policy for each preference it can honour. rustls's
 * suites are all ECDHE with AEAD, TLS 1.2 or later; TLSv1_2_2025_07 (s2n's
 * FIPS policy) also leaves out ChaCha20 and X25519. The post-quantum ones
 * need ML-KEM, which rustls on ring does not have.
 */
const CIPHER_POLICIES = {
  [TlsCipherPreference.Default]: 'default',
  [TlsCipherPreference.TLSv1_2_2025_07]: 'aesGcmNistCurves',
}

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
  'pkcs11Key.library': 'pkcs11_options.pkcs11_lib',
  'pkcs11Key.userPin': 'pkcs11_options.user_pin',
  'pkcs11Key.slotId': 'pkcs11_options.slot_id',
  'pkcs11Key.tokenLabel': 'pkcs11_options.token_label',
  'pkcs11Key.keyLabel': 'pkcs11_options.private_key_object_label',
}

/** With a PKCS#11 key, the certificate comes from pkcs11_options. */
const PKCS11_OPTION_NAMES = {
  ...OPTION_NAMES,
  certificateFile: 'pkcs11_options.cert_file_path',
  certificatePem: 'pkcs11_options.cert_file_contents',
}

/** A problem with the field `name` of a TlsContextOptions, found making the context. */
function contextProblem(name, reason) {
  return new Error(`io.ClientTlsContext: options.${name}: ${reason}`)
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
  refuseWindowsCertStore(fields)
  const pkcs11 = fields.optionalFields('pkcs11_options')
  return {
    tls13Only: version === TlsVersion.TLSv1_3,
    cipherPolicy: cipherPolicy(fields),
    caFile: fields.optionalString('ca_filepath'),
    caDir: fields.optionalString('ca_dirpath'),
    caPem: fields.optionalString('certificate_authority'),
    alpn: alpnList(fields, 'alpn_list'),
    ...(pkcs11 ? pkcs11Identity(fields, pkcs11) : fileIdentity(fields)),
    pkcs12File: fields.optionalString('pkcs12_filepath'),
    pkcs12Password: fields.optionalString('pkcs12_password'),
    verifyPeer: fields.optionalBool('verify_peer') ?? true,
  }
}

/** The client certificate and key from PEM files or text. */
function fileIdentity(fields) {
  return {
    certificateFile: fields.optionalString('certificate_filepath'),
    certificatePem: fields.optionalString('certificate'),
    privateKeyFile: fields.optionalString('private_key_filepath'),
    privateKeyPem: fields.optionalString('private_key'),
  }
}

/**
 * The client certificate from `pkcs11_options` and its key in the token.
 * A key given elsewhere as well is the engine's to refuse, naming it; a
 * certificate given elsewhere is refused here, where both names are known.
 */
function pkcs11Identity(fields, pkcs11) {
  for (const field of ['certificate_filepath', 'certificate']) {
    if (fields.get(field) !== undefined) {
      throw contextProblem(
        field,
        'cannot be given with pkcs11_options: the certificate goes in pkcs11_options.cert_file_path ' +
          'or pkcs11_options.cert_file_contents',
      )
    }
  }
  const library = pkcs11.get('pkcs11_lib')
  if (!(library?.native instanceof native.NativePkcs11Library)) {
    throw new TypeError(`${pkcs11.name('pkcs11_lib')} must be an io.Pkcs11Lib (got ${describe(library)})`)
  }
  return {
    certificateFile: pkcs11.optionalString('cert_file_path'),
    certificatePem: pkcs11.optionalString('cert_file_contents'),
    privateKeyFile: fields.optionalString('private_key_filepath'),
    privateKeyPem: fields.optionalString('private_key'),
    pkcs11Key: {
      library: library.native,
      userPin: pkcs11.optionalString('user_pin'),
      slotId: pkcs11.optionalInteger('slot_id', 0, Number.MAX_SAFE_INTEGER),
      tokenLabel: pkcs11.optionalString('token_label'),
      keyLabel: pkcs11.optionalString('private_key_object_label'),
    },
  }
}

/** The engine's policy for `tls_cipher_preference`; one it cannot honour throws. */
function cipherPolicy(fields) {
  const preference = fields.get('tls_cipher_preference')
  if (preference === undefined) return undefined
  checkCipherPreference(preference, fields.name('tls_cipher_preference'))
  if (!isCipherPreferenceSupported(preference)) {
    throw contextProblem(
      'tls_cipher_preference',
      `${TlsCipherPreference[preference]} (${preference}) needs post-quantum key exchange, which ` +
        "mqtt-napi's TLS (rustls on ring) does not have; Default and TLSv1_2_2025_07 are supported",
    )
  }
  return CIPHER_POLICIES[preference]
}

function checkCipherPreference(preference, name) {
  if (typeof preference !== 'number') {
    throw new TypeError(`${name} must be an io.TlsCipherPreference number (got ${describe(preference)})`)
  }
  if (typeof TlsCipherPreference[preference] !== 'string') {
    throw new RangeError(
      `${name} must be an io.TlsCipherPreference: Default (0), PQ_TLSv1_0_2021_05 (6), ` +
        `PQ_Default (8) or TLSv1_2_2025_07 (9) (got ${preference})`,
    )
  }
}

function isCipherPreferenceSupported(preference) {
  return Object.hasOwn(CIPHER_POLICIES, preference)
}

/** `io.tls_cipher_preference_is_supported`: whether the engine can honour `preference`. */
function tlsCipherPreferenceIsSupported(preference) {
  checkCipherPreference(preference, 'tls_cipher_preference')
  return isCipherPreferenceSupported(preference)
}

/** mqtt-napi reads no Windows certificate store; a path to one must not pass unnoticed. */
function refuseWindowsCertStore(fields) {
  if (fields.optionalString('windows_cert_store_path') === undefined) return
  throw contextProblem('windows_cert_store_path', windowsCertStoreUnavailable())
}

function windowsCertStoreUnavailable() {
  return process.platform === 'win32'
    ? 'mqtt-napi cannot read the Windows certificate store; export the certificate and its key to a ' +
        'PKCS#12 file (create_client_with_mtls_pkcs12_from_path)'
    : `the Windows certificate store exists only on Windows (this is ${process.platform})`
}

/** The engine's context for `options` (a TlsContextOptions); a problem throws, named. */
function nativeTlsContext(options) {
  const nativeOptions = nativeTlsOptions(options)
  const made = native.createTlsContext(nativeOptions)
  if (!(made instanceof native.NativeTlsContext)) {
    const names = nativeOptions.pkcs11Key ? PKCS11_OPTION_NAMES : OPTION_NAMES
    throw contextProblem(names[made.option], made.reason)
  }
  return made
}

/** The engine's context inside `context`, if it is an io.ClientTlsContext. */
function nativeContextOf(context) {
  return context.native instanceof native.NativeTlsContext ? context.native : undefined
}

module.exports = {
  TlsVersion,
  CertificateSource,
  TlsCipherPreference,
  tlsCipherPreferenceIsSupported,
  windowsCertStoreUnavailable,
  alpnList,
  nativeTlsContext,
  nativeContextOf,
}
