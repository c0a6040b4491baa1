/**
 * aws-crt-nodejs's `mqtt`, `io` and `http` namespaces and `CrtError`, name
 * for name (re-exported by the package root).
 *
 * @module
 */

import { EventEmitter } from 'events';

/**
 * The error type of every rejected promise and every failure event.
 *
 * `error_code` is a numeric code; `io.error_code_to_name(code)` and
 * `io.error_code_to_string(code)` give its symbolic name and text. Names follow
 * aws-crt where aws-crt has one (`AWS_ERROR_MQTT_TIMEOUT`,
 * `AWS_IO_SOCKET_CONNECTION_REFUSED`, ...).
 */
export declare class CrtError extends Error {
  /** The original value the error was made from (a code or a message). */
  readonly error: unknown;
  /** Numeric error code, when the failure has one. */
  readonly error_code?: number;
  /** Symbolic name of `error_code`, e.g. `AWS_ERROR_MQTT_TIMEOUT`. */
  readonly error_name?: string;
  /**
   * The CONNACK return code (1 to 5) when the broker refused the connection:
   * 1 unacceptable protocol version, 2 identifier rejected, 3 server
   * unavailable, 4 bad user name or password, 5 not authorized. aws-crt loses
   * this code; mqtt-napi keeps it.
   */
  readonly return_code?: number;
  /**
   * The HTTP status when a proxy refused the CONNECT (e.g. 407, 403, 502) or
   * a server refused the WebSocket upgrade.
   */
  readonly http_status?: number;
  /**
   * Makes the error from what failed.
   *
   * @param error An error code (a number: `message`, `error_code` and
   *   `error_name` come from it), an Error (its message is used) or any
   *   other value (its string form is the message). Kept as {@link CrtError.error}.
   */
  constructor(error: unknown);
}

/** Sockets, TLS and error codes. */
export declare namespace io {
  /** Transport type of a socket. Only `STREAM` is usable for MQTT. */
  enum SocketType {
    /** A stream socket: TCP, or a Unix domain socket with `SocketDomain.LOCAL`. */
    STREAM = 0,
    /** A datagram socket; MQTT cannot run over it, so `new_connection` throws a RangeError. */
    DGRAM = 1,
  }

  /** Address family of a socket. */
  enum SocketDomain {
    /** IPv4 only: host names resolve to IPv4 addresses only. */
    IPV4 = 0,
    /**
     * The default. Tries every address the host name resolves to, IPv6 and
     * IPv4, so `localhost` and `127.0.0.1` still work.
     */
    IPV6 = 1,
    /** A Unix domain socket whose path is the connection's `host_name`. */
    LOCAL = 2,
  }

  /** Socket options for a connection; every argument is optional. */
  class SocketOptions {
    /**
     * Makes socket options. Nothing is checked here: a connection made with
     * them ({@link mqtt.MqttClient.new_connection}) checks every field and
     * throws a TypeError or RangeError naming a bad one.
     *
     * @param type `SocketType.STREAM` (default).
     * @param domain `SocketDomain.IPV6` (default; also reaches IPv4 addresses).
     * @param connect_timeout_ms How long a TCP connect may take, in ms (default 5000).
     * @param keepalive Turn on TCP keepalive probes (default false).
     * @param keep_alive_interval_sec Seconds between keepalive probes (0 = OS default).
     * @param keep_alive_timeout_sec Idle seconds before the first probe (0 = OS default).
     * @param keep_alive_max_failed_probes Probes that may fail before the link is
     *   declared dead (0 = OS default).
     */
    constructor(
      type?: SocketType,
      domain?: SocketDomain,
      connect_timeout_ms?: number,
      keepalive?: boolean,
      keep_alive_interval_sec?: number,
      keep_alive_timeout_sec?: number,
      keep_alive_max_failed_probes?: number,
    );
    /** The socket type: `SocketType.STREAM` (default); `DGRAM` cannot carry MQTT (RangeError). */
    type: SocketType;
    /** The address family: `SocketDomain.IPV6` (default; also reaches IPv4 addresses). */
    domain: SocketDomain;
    /** How long a TCP connect may take, in ms (default 5000; 0 also means 5000). */
    connect_timeout_ms: number;
    /** Turn on TCP keepalive probes (default false). */
    keepalive: boolean;
    /** Seconds between keepalive probes, 0 to 65535 (0 = OS default). */
    keep_alive_interval_sec: number;
    /** Idle seconds before the first keepalive probe, 0 to 65535 (0 = OS default). */
    keep_alive_timeout_sec: number;
    /**
     * Probes that may fail before the link is declared dead, 0 to 255
     * (0 = OS default).
     */
    keep_alive_max_failed_probes: number;
  }

  /**
   * Holds aws-crt's event-loop group. mqtt-napi runs on its own I/O threads;
   * the class exists so code that passes a bootstrap to `new mqtt.MqttClient()`
   * keeps working.
   */
  class ClientBootstrap {
    /** Makes a bootstrap; it holds nothing and starts nothing. */
    constructor();
  }

  /** Log levels for {@link enable_logging}. */
  enum LogLevel {
    /** No log: the default, unless `MQTT_NAPI_LOG` says otherwise. */
    NONE = 0,
    /** Accepted; the engine has no messages at this level, so nothing is logged. */
    FATAL = 1,
    /** Accepted; the engine has no messages at this level, so nothing is logged. */
    ERROR = 2,
    /** Accepted; the engine has no messages at this level, so nothing is logged. */
    WARN = 3,
    /**
     * Connection steps: each attempt and its endpoint, connected, link lost
     * with the error, the wait before the next attempt.
     */
    INFO = 4,
    /**
     * `INFO`, plus every packet sent and received with its fields (payloads
     * only as a byte count; never the password).
     */
    DEBUG = 5,
    /** The same as `DEBUG`: the engine has no more detailed messages. */
    TRACE = 6,
  }

  /**
   * Turns on the engine's log on stderr for every connection of the process:
   * at `INFO`, connection steps (each attempt and its endpoint, connected,
   * link lost with the error, the wait before the next attempt); at `DEBUG`
   * and `TRACE`, also every packet sent (→) and received (←) with its fields
   * but never payload bytes (only their count) or the password. `NONE` turns
   * it off. The environment variable `MQTT_NAPI_LOG` (none, error, info,
   * debug, trace, or 0 to 6) does the same without code; this call wins.
   *
   * @param level The most detailed level to log, from `NONE` (0) to `TRACE`
   *   (6); a non-number is a TypeError, any other number a RangeError.
   */
  function enable_logging(level: LogLevel): void;

  /**
   * The same as {@link enable_logging}: aws-crt's other name for it (there it
   * sets the level of its JavaScript-side log; mqtt-napi has one log).
   *
   * @param level The most detailed level to log, from `NONE` (0) to `TRACE`
   *   (6); a non-number is a TypeError, any other number a RangeError.
   */
  function setLogLevel(level: LogLevel): void;

  /**
   * The text of an error code, e.g. "socket connection refused."
   *
   * @param error_code An error code such as {@link CrtError.error_code}: an
   *   integer from 0 to 4294967295 (a non-number is a TypeError, another
   *   number a RangeError). An unknown code gives `Unknown error code <code>.`
   */
  function error_code_to_string(error_code: number): string;

  /**
   * The symbolic name of an error code, e.g. "AWS_IO_SOCKET_CONNECTION_REFUSED".
   *
   * @param error_code An error code such as {@link CrtError.error_code}: an
   *   integer from 0 to 4294967295 (a non-number is a TypeError, another
   *   number a RangeError). An unknown code gives `UNKNOWN_ERROR_CODE_<code>`.
   */
  function error_code_to_name(error_code: number): string;

  /**
   * Whether TLS can negotiate ALPN (as the AWS IoT samples ask before they
   * set `x-amzn-mqtt-ca`): always `true`, since mqtt-napi's TLS (rustls) has
   * ALPN on every platform.
   */
  function is_alpn_available(): boolean;

  /** TLS protocol versions, as aws-crt numbers them. */
  enum TlsVersion {
    /** SSL 3.0: never offered; as a minimum it means TLS 1.2 (mqtt-napi speaks TLS 1.2 and 1.3 only). */
    SSLv3 = 0,
    /** TLS 1.0: never offered; as a minimum it means TLS 1.2. */
    TLSv1 = 1,
    /** TLS 1.1: never offered; as a minimum it means TLS 1.2. */
    TLSv1_1 = 2,
    /** TLS 1.2 or later. */
    TLSv1_2 = 3,
    /** TLS 1.3 only. */
    TLSv1_3 = 4,
    /** The default: TLS 1.2 or later. */
    Default = 128,
  }

  /**
   * How a {@link TlsContextOptions} was made, as aws-crt records it for its
   * metrics (3 is kept for Java's key store). Each `create_client_with_*`
   * factory sets {@link TlsContextOptions.certificate_source}. mqtt-napi's
   * metrics (set by the `iot` builders) name the library and platform only,
   * so it is information only.
   */
  enum CertificateSource {
    /** PEM files or text: `create_client_with_mtls_from_path`, `create_client_with_mtls`. */
    CERTIFICATE_FILES = 0,
    /** A private key in a PKCS#11 token: `create_client_with_mtls_pkcs11`. */
    PKCS11 = 1,
    /** The Windows certificate store: `create_client_with_mtls_windows_cert_store_path`. */
    WINDOWS_CERT_STORE = 2,
    /** A PKCS#12 file: `create_client_with_mtls_pkcs12_from_path`. */
    PKCS12_FILE = 4,
  }

  /**
   * Cipher suite policies, as aws-crt numbers them. mqtt-napi's TLS is
   * rustls on ring: TLS 1.2 and 1.3 only, and only ECDHE suites with AEAD
   * ciphers, whatever the policy. {@link tls_cipher_preference_is_supported}
   * tells which ones a context can be made with.
   */
  enum TlsCipherPreference {
    /**
     * rustls's suites: AES-GCM and ChaCha20-Poly1305 (TLS 1.3, and ECDHE
     * with ECDSA or RSA in TLS 1.2); key exchange on X25519, P-256, P-384.
     */
    Default = 0,
    /**
     * Post-quantum hybrid key exchange (Kyber round 3) from TLS 1.0 up. Not
     * supported: rustls on ring has no post-quantum key exchange, so a
     * context with it throws.
     */
    PQ_TLSv1_0_2021_05 = 6,
    /** aws-crt's default with post-quantum key exchange. Not supported, as above. */
    PQ_Default = 8,
    /**
     * TLS 1.2 and 1.3 without CBC suites, FIPS-compliant (s2n's
     * `AWS-CRT-SDK-TLSv1.2-2025`): AES-GCM suites only (no ChaCha20) and key
     * exchange on P-256 and P-384 only (no X25519). Supported.
     */
    TLSv1_2_2025_07 = 9,
  }

  /**
   * Whether a context can be made with `tls_cipher_preference`: `true` for
   * `Default` and `TLSv1_2_2025_07`, `false` for the post-quantum ones.
   *
   * @param tls_cipher_preference A {@link TlsCipherPreference}; a non-number
   *   is a TypeError, a number that is none of them a RangeError.
   */
  function tls_cipher_preference_is_supported(tls_cipher_preference: TlsCipherPreference): boolean;

  /**
   * A loaded PKCS#11 module (a `.so` from an HSM's vendor, OpenSC,
   * SoftHSM2, ...), for {@link TlsContextOptions.create_client_with_mtls_pkcs11}.
   * One per module is enough for the whole application. The module is
   * loaded (dlopen) and initialized now; a file that cannot be loaded, is
   * not a PKCS#11 module or does not initialize throws here, not at connect.
   */
  class Pkcs11Lib {
    /**
     * Loads the module and calls `C_Initialize` as `behavior` says.
     *
     * @param path The module's file. Not a string: a TypeError; empty: a
     *   RangeError; a file that cannot be loaded or has no
     *   `C_GetFunctionList`: an Error naming `path` and why.
     * @param behavior How `C_Initialize` and `C_Finalize` are called (default
     *   `DEFAULT`). Another value: a RangeError; `STRICT` on a module that is
     *   already initialized: an Error naming `behavior`.
     */
    constructor(path: string, behavior?: Pkcs11Lib.InitializeFinalizeBehavior);
    /**
     * Lets go of the module now rather than when the garbage collector
     * does. TLS contexts made with it keep it loaded (and initialized) until
     * they go too; with `STRICT`, `C_Finalize` is called then. Options that
     * name a closed library make a context that throws.
     */
    close(): void;
  }

  /** The types that go with {@link Pkcs11Lib}. */
  namespace Pkcs11Lib {
    /** When `C_Initialize()` and `C_Finalize()` are called on the module. */
    enum InitializeFinalizeBehavior {
      /**
       * `C_Initialize()` at construction, where "already initialized" (by
       * another part of the application) is fine; `C_Finalize()` never, as
       * another part of the application may still use the module.
       */
      DEFAULT = 0,
      /**
       * Neither: the application has initialized the module and will
       * finalize it. A context made while it is not initialized throws,
       * naming `pkcs11_options.pkcs11_lib`.
       */
      OMIT = 1,
      /**
       * `C_Initialize()` at construction, which must be the first (an
       * already initialized module is an error); `C_Finalize()` once the
       * library is closed (or collected) and no context made with it is left.
       */
      STRICT = 2,
    }
  }

  /**
   * What a TLS client context trusts and presents. Plain fields, as aws-crt
   * has them; everything is checked when a {@link ClientTlsContext} is made
   * from it.
   */
  class TlsContextOptions {
    /**
     * Options with the defaults: the platform's trust store, no client
     * certificate, no ALPN, `verify_peer` true, TLS 1.2 or later. Nothing is
     * checked or read until a {@link ClientTlsContext} is made from them.
     */
    constructor();
    /** The lowest TLS version accepted (default `TlsVersion.Default`: TLS 1.2). */
    min_tls_version: TlsVersion;
    /** A PEM file of CA certificates to trust instead of the system's. */
    ca_filepath?: string;
    /** A directory of PEM CA certificates to trust instead of the system's. */
    ca_dirpath?: string;
    /** PEM CA certificates (in memory) to trust instead of the system's. */
    certificate_authority?: string;
    /** ALPN protocols to offer, e.g. `['x-amzn-mqtt-ca']` (default none). */
    alpn_list: string[];
    /** The client certificate chain (PEM file) for mutual TLS. */
    certificate_filepath?: string;
    /** The client certificate chain (PEM text) for mutual TLS. */
    certificate?: string;
    /** The client private key (PEM file: PKCS#8, PKCS#1 RSA or SEC1 EC). */
    private_key_filepath?: string;
    /** The client private key (PEM text: PKCS#8, PKCS#1 RSA or SEC1 EC). */
    private_key?: string;
    /** A PKCS#12 file holding the client certificate and key. */
    pkcs12_filepath?: string;
    /** The password of `pkcs12_filepath`. */
    pkcs12_password?: string;
    /**
     * A client key that stays in a PKCS#11 token, and its certificate; see
     * {@link TlsContextOptions.create_client_with_mtls_pkcs11}. With it, the
     * other certificate and key fields must be left unset.
     */
    pkcs11_options?: TlsContextOptions.Pkcs11Options;
    /**
     * A certificate in the Windows certificate store. mqtt-napi cannot read
     * the store (on Windows either): a context made with this set throws,
     * naming it.
     */
    windows_cert_store_path?: string;
    /**
     * The cipher suite policy (default `TlsCipherPreference.Default`). One
     * that {@link tls_cipher_preference_is_supported} says is not supported
     * makes the context throw, naming this field.
     */
    tls_cipher_preference?: TlsCipherPreference;
    /** How these options were made (set by the `create_client_with_*` factories). */
    certificate_source?: CertificateSource;
    /**
     * Verify the server's certificate chain and name (default true).
     * **Unsafe when false**: anyone on the path can impersonate the broker.
     * Use only for tests against self-signed brokers.
     */
    verify_peer: boolean;
    /**
     * Trust the CAs in `ca_dirpath` and/or `ca_filepath` instead of the system's.
     *
     * @param ca_dirpath Sets {@link TlsContextOptions.ca_dirpath}: a directory of PEM CA
     *   certificates (undefined clears it).
     * @param ca_filepath Sets {@link TlsContextOptions.ca_filepath}: a PEM file of CA
     *   certificates (undefined clears it).
     */
    override_default_trust_store_from_path(ca_dirpath?: string, ca_filepath?: string): void;
    /**
     * Trust the PEM CA certificates in `certificate_authority` instead of the system's.
     *
     * @param certificate_authority Sets {@link TlsContextOptions.certificate_authority}: one or
     *   more PEM CA certificates, as text.
     */
    override_default_trust_store(certificate_authority: string): void;
    /**
     * Mutual TLS with a PEM certificate chain file and a PEM key file.
     *
     * @param certificate_filepath Path of the PEM certificate chain.
     * @param private_key_filepath Path of the PEM private key (PKCS#8,
     *   PKCS#1 RSA or SEC1 EC).
     */
    static create_client_with_mtls_from_path(certificate_filepath: string, private_key_filepath: string): TlsContextOptions;
    /**
     * Mutual TLS with a PEM certificate chain and key given as text.
     *
     * @param certificate The PEM certificate chain.
     * @param private_key The PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
     */
    static create_client_with_mtls(certificate: string, private_key: string): TlsContextOptions;
    /**
     * Mutual TLS with a PKCS#12 file and its password.
     *
     * @param pkcs12_filepath Path of the PKCS#12 file holding the client
     *   certificate and key.
     * @param pkcs12_password Its password.
     */
    static create_client_with_mtls_pkcs12_from_path(pkcs12_filepath: string, pkcs12_password: string): TlsContextOptions;
    /**
     * Mutual TLS with a private key that never leaves a PKCS#11 token: the
     * handshake signature is made by the token. EC keys on P-256 and P-384
     * (`CKM_ECDSA`) and RSA keys (`CKM_RSA_PKCS_PSS`, and
     * `CKM_SHA256_RSA_PKCS` and its SHA-384/512 siblings for servers that
     * ask for PKCS#1 v1.5 in TLS 1.2) are supported; the scheme is chosen
     * from those the server offers and the token has. Each signature is a
     * call into the module on mqtt-napi's I/O thread.
     *
     * Everything is checked when a {@link ClientTlsContext} is made from the
     * options, with an Error naming the field: no token in `slot_id`, no
     * token labelled `token_label` (or several tokens and neither given), a
     * wrong `user_pin`, no private key labelled `private_key_object_label`
     * (or several and no label), a key that is neither EC on P-256/P-384 nor
     * RSA or does not match the certificate, no certificate, a closed
     * `pkcs11_lib`. The context logs into the token and keeps a session
     * open while it lives.
     *
     * @param pkcs11_options The library, PIN, token, key and certificate.
     */
    static create_client_with_mtls_pkcs11(pkcs11_options: TlsContextOptions.Pkcs11Options): TlsContextOptions;
    /**
     * Mutual TLS with a certificate in the Windows certificate store, as in
     * aws-crt. **Not implemented by mqtt-napi**: off Windows this throws at
     * once (the store exists only on Windows); on Windows the options are
     * made, and a context made from them throws, naming
     * `windows_cert_store_path`. Export the certificate and its key to a
     * PKCS#12 file instead
     * ({@link TlsContextOptions.create_client_with_mtls_pkcs12_from_path}).
     *
     * @param certificate_path The store path and thumbprint, e.g.
     *   `CurrentUser\MY\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6`.
     */
    static create_client_with_mtls_windows_cert_store_path(certificate_path: string): TlsContextOptions;
  }

  /** The types that go with {@link TlsContextOptions}. */
  namespace TlsContextOptions {
    /** Where the client's private key is in a PKCS#11 token, and its certificate. */
    type Pkcs11Options = {
      /** The loaded module (required). Anything but an {@link Pkcs11Lib}: a TypeError. */
      pkcs11_lib: Pkcs11Lib;
      /**
       * The token's user PIN; `null` logs in through the token's "protected
       * authentication path" (a PIN pad). A wrong PIN: an Error naming
       * `pkcs11_options.user_pin`.
       */
      user_pin: null | string;
      /**
       * The slot of the token. Without it (and without `token_label`) the
       * module must have exactly one token.
       */
      slot_id?: number;
      /** The label of the token, as `softhsm2-util --init-token --label` set it. */
      token_label?: string;
      /** The label of the private key object; without it, the token's only private key. */
      private_key_object_label?: string;
      /** The client certificate (PEM file); this or `cert_file_contents` is required. */
      cert_file_path?: string;
      /** The client certificate (PEM text); wins over `cert_file_path`. */
      cert_file_contents?: string;
    };
  }

  /**
   * A TLS client context, built once from {@link TlsContextOptions}. Every
   * problem (a missing file, an unreadable or mismatched key, a wrong
   * PKCS#12 password, a bad CA bundle, a PKCS#11 token, PIN or key that
   * does not work, an unsupported cipher preference) throws here, naming
   * the option, not at connect time. Without options it trusts the platform's roots (the
   * bundled Mozilla roots where the platform has none).
   */
  class ClientTlsContext {
    /**
     * Builds the context, reading every file and checking every field now.
     *
     * @param options What to trust and present (default
     *   `new TlsContextOptions()`). Not an object: a TypeError. A field of the
     *   wrong type or out of range: a TypeError or RangeError naming it. A
     *   file, key, certificate or password that does not work: an Error
     *   naming the option.
     */
    constructor(options?: TlsContextOptions);
    /** The options' `certificate_source` (aws-crt keeps it for its metrics). */
    readonly certificate_source?: CertificateSource;
    /** The options' `tls_cipher_preference`. */
    readonly tls_cipher_preference?: TlsCipherPreference;
    /** The options' `min_tls_version`. */
    readonly min_tls_version?: TlsVersion;
  }

  /** A TLS context plus the server name and ALPN list for one connection (used for a TLS proxy). */
  class TlsConnectionOptions {
    /**
     * Pairs a context with a server name and an ALPN list.
     *
     * @param tls_ctx The context; anything but a {@link ClientTlsContext}
     *   is a TypeError.
     * @param server_name SNI and certificate name (default: the host connected to).
     * @param alpn_list ALPN protocols (default: the context's).
     */
    constructor(tls_ctx: ClientTlsContext, server_name?: string, alpn_list?: string[]);
    /** The context. */
    readonly tls_ctx: ClientTlsContext;
    /** SNI and certificate name; undefined means the host connected to. */
    readonly server_name?: string;
    /** ALPN protocols to offer; empty (the default) means the context's. */
    readonly alpn_list: string[];
  }
}

/** HTTP types used by proxies and the websocket handshake. */
export declare namespace http {
  /** How a proxy authenticates. */
  enum HttpProxyAuthenticationType {
    /** No authentication (the default). */
    None = 0,
    /**
     * Basic authentication: `Proxy-Authorization: Basic ...` with
     * `auth_username` and `auth_password` (a missing one counts as empty).
     */
    Basic = 1,
  }

  /** How a proxy is used. MQTT always tunnels with `CONNECT`. */
  enum HttpProxyConnectionType {
    /** aws-crt's legacy choice; accepted, and MQTT still tunnels with `CONNECT`. */
    Legacy = 0,
    /** A forwarding proxy; accepted, and MQTT still tunnels with `CONNECT`. */
    Forwarding = 1,
    /** A `CONNECT` tunnel: what MQTT always uses. */
    Tunneling = 2,
  }

  /**
   * An HTTP proxy: MQTT goes through a `CONNECT host:port` tunnel (with Basic
   * auth when asked, over TLS to the proxy when `tls_opts` is given), then
   * TLS or WebSockets to the broker inside it. Plain MQTT through a proxy is
   * allowed (aws-crt refuses it). A proxy's refusal fails the attempt with an
   * error carrying the HTTP status.
   */
  class HttpProxyOptions {
    /**
     * Describes the proxy. Nothing is checked here: a connection made with it
     * ({@link mqtt.MqttClient.new_connection}) checks every field and throws a
     * TypeError or RangeError naming a bad one.
     *
     * @param host_name The proxy's host name or IP address (not empty).
     * @param port The proxy's port, an integer from 0 to 65535.
     * @param auth_method How to authenticate (default `HttpProxyAuthenticationType.None`).
     * @param auth_username User name for Basic authentication.
     * @param auth_password Password for Basic authentication.
     * @param tls_opts TLS to the proxy itself (default none: plain TCP to the proxy).
     * @param connection_type Accepted (0 to 2) for aws-crt compatibility; MQTT
     *   always tunnels with `CONNECT`.
     */
    constructor(
      host_name: string,
      port: number,
      auth_method?: HttpProxyAuthenticationType,
      auth_username?: string,
      auth_password?: string,
      tls_opts?: io.TlsConnectionOptions,
      connection_type?: HttpProxyConnectionType,
    );
    /** The proxy's host name or IP address (not empty). */
    host_name: string;
    /** The proxy's port, an integer from 0 to 65535. */
    port: number;
    /** How to authenticate (default `HttpProxyAuthenticationType.None`). */
    auth_method: HttpProxyAuthenticationType;
    /** User name for Basic authentication (used only with `Basic`). */
    auth_username?: string;
    /** Password for Basic authentication (used only with `Basic`). */
    auth_password?: string;
    /** TLS to the proxy itself; none means plain TCP to the proxy. */
    tls_opts?: io.TlsConnectionOptions;
    /** Accepted (0 to 2) for aws-crt compatibility; MQTT always tunnels with `CONNECT`. */
    connection_type?: HttpProxyConnectionType;
  }

  /** An ordered list of HTTP headers (names compare case-insensitively). */
  class HttpHeaders implements Iterable<[string, string]> {
    /**
     * Makes a header list.
     *
     * @param headers `[name, value]` pairs, added in order (default none).
     *   Not an iterable of pairs, a name that is not an HTTP token or a value
     *   that is not a string or holds CR, LF or NUL: a TypeError.
     */
    constructor(headers?: [string, string][]);
    /** Number of header lines. */
    readonly length: number;
    /**
     * The first value of `name`, or `default_value` (`''`) when absent.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     * @param default_value What to return when there is no such header (default `''`).
     */
    get(name: string, default_value?: string): string;
    /**
     * Every value of `name`.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     */
    get_values(name: string): string[];
    /**
     * Adds a header line.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     * @param value The value (a string without CR, LF or NUL, else a TypeError).
     */
    add(name: string, value: string): void;
    /**
     * Replaces every value of `name` with `value`.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     * @param value The value (a string without CR, LF or NUL, else a TypeError).
     */
    set(name: string, value: string): void;
    /**
     * Removes every line named `name`.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     */
    remove(name: string): void;
    /**
     * Removes the lines named `name` whose value is `value`.
     *
     * @param name The header name (an HTTP token, else a TypeError).
     * @param value The value to remove (compared exactly).
     */
    remove_value(name: string, value: string): void;
    /** Removes every line. */
    clear(): void;
    /** The `[name, value]` lines, in order. */
    [Symbol.iterator](): Iterator<[string, string]>;
  }

  /** An HTTP request, as handed to `websocket_handshake_transform`. */
  class HttpRequest {
    /**
     * Makes a request.
     *
     * @param method The HTTP method, e.g. `GET` (a non-string is a TypeError).
     * @param path The path and query, e.g. `/mqtt` (a non-string is a TypeError).
     * @param headers The headers (default none; anything but an
     *   {@link HttpHeaders} is a TypeError).
     * @param body A body; the WebSocket upgrade request never sends one.
     */
    constructor(method: string, path: string, headers?: HttpHeaders, body?: unknown);
    /** The HTTP method (`GET` in the WebSocket upgrade request). */
    method: string;
    /** The path and query (`/mqtt` in the WebSocket upgrade request). */
    path: string;
    /** The header lines. */
    headers: HttpHeaders;
    /** A body; not sent with the WebSocket upgrade request. */
    body?: unknown;
  }
}

/** The MQTT 3.1.1 client, with aws-crt's `mqtt` API. */
export declare namespace mqtt {
  /** Quality of service of a publish or subscription. */
  enum QoS {
    /** Delivered at most once; a publish resolves when written to the socket. */
    AtMostOnce = 0,
    /** Delivered at least once; a publish resolves on PUBACK. */
    AtLeastOnce = 1,
    /** Delivered exactly once; a publish resolves on PUBCOMP. */
    ExactlyOnce = 2,
  }

  /**
   * What can be published. Strings are sent as UTF-8; `ArrayBuffer`s and views
   * (Buffer, Uint8Array, DataView, any typed array; offset and length are
   * honoured) as their bytes; plain objects as `JSON.stringify(obj)`; `null`,
   * `undefined`, `''` and other falsy values as an empty payload. Anything else
   * is a TypeError.
   */
  type Payload = string | Record<string, unknown> | ArrayBuffer | ArrayBufferView;

  /**
   * Receives a message. `payload` is an `ArrayBuffer` owned by the callback
   * (an empty one for a zero-length payload).
   *
   * @param topic The topic the message was published to.
   * @param payload The payload bytes.
   * @param dup The DUP flag: the broker may have sent this message before.
   * @param qos The QoS the message was delivered with.
   * @param retain The RETAIN flag: a retained message the broker sent
   *   because of a new subscription.
   */
  type OnMessageCallback = (
    topic: string,
    payload: ArrayBuffer,
    dup: boolean,
    qos: QoS,
    retain: boolean,
  ) => void;

  /** What a completed publish or unsubscribe resolves with. */
  interface MqttRequest {
    /** The packet identifier used on the wire (absent for QoS 0 publishes). */
    packet_id?: number;
  }

  /** What a completed subscribe resolves with. */
  interface MqttSubscribeRequest extends MqttRequest {
    /** The topic filter that was subscribed. */
    topic: string;
    /** The granted QoS, or 128 when the broker refused the filter. */
    qos: QoS | 128;
    /** Set when the subscription failed. */
    error_code?: number;
  }

  /** The last will: published by the broker when the connection dies uncleanly. */
  class MqttWill {
    /**
     * Makes a will. Nothing is checked here: a connection made with it
     * ({@link MqttClient.new_connection}) throws a TypeError or RangeError
     * naming a bad topic, qos or payload.
     *
     * @param topic Topic to publish the will on (no wildcards).
     * @param qos QoS of the will message.
     * @param payload The will message (any {@link Payload}).
     * @param retain Whether the broker retains the will message (default false).
     */
    constructor(topic: string, qos: QoS, payload: Payload, retain?: boolean);
    /** The topic the will is published on. */
    readonly topic: string;
    /** The QoS of the will message. */
    readonly qos: QoS;
    /** The will message. */
    readonly payload: Payload;
    /** Whether the broker retains the will message. */
    readonly retain: boolean;
  }

  /** Argument of the `connection_success` event. */
  interface OnConnectionSuccessResult {
    /** Whether the broker resumed a stored session. */
    session_present: boolean;
    /** The CONNACK return code: 0. */
    reason_code?: number;
  }

  /** Argument of the `connection_failure` event. */
  interface OnConnectionFailedResult {
    /** Why the attempt failed; carries `error_code` and `error_name`. */
    error: CrtError;
  }

  /** Argument of the `closed` event. */
  interface OnConnectionClosedResult {}

  /**
   * The configuration of one connection. Field names, defaults and rules are
   * aws-crt's; a wrong type throws a TypeError and a value out of range (or a
   * number that should be an integer and is not) a RangeError, both naming
   * the field.
   */
  interface MqttConnectionConfig {
    /**
     * Client identifier sent in CONNECT. Required; `''` lets the broker assign
     * one (brokers accept that only with `clean_session: true`).
     */
    client_id: string;
    /** Host name or IP address of the broker; with `SocketDomain.LOCAL`, the Unix socket path. Required. */
    host_name: string;
    /** Broker port, an integer from 0 to 65535. Required (ignored for Unix sockets). */
    port: number;
    /**
     * Socket options. Required by aws-crt; optional here, defaulting to
     * `new io.SocketOptions()` (stream, IPv6-or-IPv4, 5000 ms connect timeout).
     */
    socket_options?: io.SocketOptions;
    /**
     * Whether to start a clean session (default false). With false the broker
     * keeps subscriptions and queued QoS 1/2 messages across connections.
     */
    clean_session?: boolean;
    /**
     * Keep alive in seconds, sent in CONNECT as a 16-bit integer (0 to 65535).
     * A PINGREQ goes out after this long without outgoing traffic.
     * 0 or undefined means 1200. Must be greater than the ping timeout
     * (in seconds), else a RangeError (aws-crt aborts the process instead).
     */
    keep_alive?: number;
    /**
     * Milliseconds to wait for a PINGRESP before the connection is declared
     * lost; also the time to wait for CONNACK. 0 or undefined means 3000.
     */
    ping_timeout?: number;
    /** Older name of {@link ping_timeout}; used when `ping_timeout` is not given. */
    timeout?: number;
    /**
     * Milliseconds a QoS 1/2 publish, subscribe or unsubscribe may wait for its
     * acknowledgement before it fails with `AWS_ERROR_MQTT_TIMEOUT`. 0 or
     * undefined means no limit.
     */
    protocol_operation_timeout?: number;
    /**
     * Shortest wait in seconds before a reconnect (default 1). If only this is
     * given, `reconnect_max_sec` becomes max(this, 128). Negative: RangeError.
     */
    reconnect_min_sec?: number;
    /**
     * Longest wait in seconds before a reconnect (default 128). If only this is
     * given, `reconnect_min_sec` becomes min(1, this). Negative: RangeError.
     */
    reconnect_max_sec?: number;
    /**
     * Subscribe again, after every connection the broker accepts without a
     * session (a reconnect with `clean_session: true`, or a broker that lost
     * the session), to every filter this connection holds (default true; an
     * mqtt-napi extension: aws-crt never does). The restoring SUBSCRIBE goes
     * out before anything queued while offline; `unsubscribe()` drops a filter.
     */
    resubscribe?: boolean;
    /**
     * Queue QoS 0 publishes made while not connected and send them once
     * connected (default false: they reject with `AWS_ERROR_MQTT_NOT_CONNECTED`,
     * as in aws-crt). An mqtt-napi extension.
     */
    queue_qos0_offline?: boolean;
    /**
     * The most operations that may wait unsent (offline, or for a free packet
     * id): default 10,000. Past it the newest operation rejects with
     * `AWS_ERROR_MQTT_QUEUE_FULL`; nothing queued is dropped. An mqtt-napi
     * extension.
     */
    offline_queue_max_operations?: number;
    /**
     * The most bytes (counted as `getOperationalStatistics()` counts them)
     * that may wait unsent: default 64 MiB. Past it the newest operation
     * rejects with `AWS_ERROR_MQTT_QUEUE_FULL`. An mqtt-napi extension.
     */
    offline_queue_max_bytes?: number;
    /**
     * The most bytes of received messages that may wait for JavaScript to
     * take them: default 4 MiB. Past it the connection stops reading its
     * socket until JavaScript has taken them, so a slow consumer holds the
     * broker back (TCP flow control) instead of filling memory; the ping and
     * acknowledgement timeouts pause meanwhile. A message larger than this is
     * still delivered whole. An mqtt-napi extension.
     */
    receive_buffer_bytes?: number;
    /**
     * The largest packet accepted from the broker, in bytes (default and
     * maximum 268,435,460, the most MQTT can frame). A larger one is a
     * protocol error that drops the link (`interrupt`), read no further than
     * its header. An mqtt-napi extension.
     */
    max_incoming_packet_bytes?: number;
    /**
     * Retry a failed first `connect()` with the reconnect backoff instead of
     * rejecting it (default false, as aws-crt). Each failed attempt still
     * emits `connection_failure`; `connect()` resolves once an attempt
     * succeeds, or rejects with `AWS_ERROR_MQTT_CONNECTION_DISCONNECTING` if
     * `disconnect()` is called first. An mqtt-napi extension.
     */
    retry_first_connect?: boolean;
    /** The last will, published by the broker if this client vanishes. */
    will?: MqttWill;
    /** User name sent in CONNECT. */
    username?: string;
    /** Password sent in CONNECT (MQTT 3.1.1 requires a `username` with it). */
    password?: string;
    /**
     * Carry MQTT in WebSocket binary frames (path `/mqtt`, subprotocol
     * `mqtt`): `ws://` without `tls_ctx`, `wss://` with it.
     */
    use_websocket?: boolean;
    /**
     * Called on every attempt (reconnects included) with the WebSocket upgrade
     * request about to be sent (`GET /mqtt`, `Host`, `Upgrade`, `Connection`,
     * `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 13`,
     * `Sec-WebSocket-Protocol: mqtt`). Whatever it changes (path and query,
     * headers) is what goes on the wire. Call `done()` or `done(0)` to
     * continue, `done(error_code)` to fail the attempt with that code; a
     * non-number is a TypeError and a second call is ignored. A transform that
     * throws fails the attempt with its error; one that never calls `done`
     * fails it after the socket's connect timeout. Only with `use_websocket`.
     *
     * @param request The upgrade request of this attempt; change it in place.
     * @param done Call it once the request is ready: `done()` or `done(0)`
     *   sends it, `done(error_code)` fails the attempt with that code.
     */
    websocket_handshake_transform?: (request: http.HttpRequest, done: (error_code?: number) => void) => void;
    /** Connect through an HTTP proxy (a CONNECT tunnel). */
    proxy_options?: http.HttpProxyOptions;
    /**
     * TLS to the broker; none means plaintext. SNI and the certificate name
     * checked are `host_name` (IP addresses work too).
     */
    tls_ctx?: io.ClientTlsContext;
    /**
     * Leave {@link metrics} out of the CONNECT username (default false).
     * Without `metrics` nothing is added anyway: unlike aws-crt 1.33, which
     * adds its SDK metrics to every connection's username unless this is
     * true, mqtt-napi adds them only to configs that carry `metrics` (those
     * the `iot` builders make).
     */
    disable_metrics?: boolean;
    /**
     * AWS IoT SDK metrics, sent in the CONNECT username merged by aws-c-mqtt's
     * rules: `SDK=<libraryName>` and `Platform=<os>` added to the query after
     * the username's last `?` if absent, `Metadata=(key=value;...)` merged key
     * by key (see {@link iot.AWSIoTMetrics}). Only configs that carry it get
     * metrics; {@link iot.AwsIotMqttConnectionConfigBuilder.build} sets it to
     * `{ libraryName: 'mqtt-napi', metadata: [['Version', <version>]] }`.
     * Anything but `{ libraryName: string, metadata?: [string, string][] }`
     * is a TypeError when the connection is made.
     */
    metrics?: import('./iot').iot.AWSIoTMetrics;
  }

  /**
   * Counts of operations that have not completed. A publish counts
   * `4 + topic bytes + payload bytes`, a subscribe or unsubscribe
   * `4 + topic filter bytes`.
   */
  interface OperationalStatistics {
    /** Operations submitted and not yet completed (includes unacked ones). */
    incompleteOperationCount: number;
    /** Total size of the incomplete operations. */
    incompleteOperationSize: number;
    /** Operations written to the broker and waiting for their acknowledgement. */
    unackedOperationCount: number;
    /** Total size of the unacked operations. */
    unackedOperationSize: number;
  }

  /** Creates connections. */
  class MqttClient {
    /**
     * Makes a client. Anything but an {@link io.ClientBootstrap}, `undefined`
     * or `null` as `bootstrap` is a TypeError.
     *
     * @param bootstrap Accepted for aws-crt compatibility; not needed.
     */
    constructor(bootstrap?: io.ClientBootstrap);
    /**
     * Makes a connection object; nothing is sent until `connect()`. Throws a
     * TypeError or RangeError naming the field when `config` is invalid.
     *
     * @param config The connection's configuration, kept as
     *   {@link MqttClientConnection.config}.
     */
    new_connection(config: MqttConnectionConfig): MqttClientConnection;
  }

  /**
   * One MQTT connection. An EventEmitter with the events
   * `connection_success` (every accepted CONNACK) followed by `connect` (when
   * it answers a `connect()` call) or `resume` (when it ends a reconnect),
   * `connection_failure` (every failed attempt), `message`, `interrupt` (an
   * established link was lost; reconnecting starts), `disconnect` (after
   * `disconnect()`), `closed` (the connection is finished), `error`.
   *
   * A lost link is reconnected automatically, waiting between
   * `reconnect_min_sec` and `reconnect_max_sec` (exponential, with jitter;
   * back to the minimum after a link that stayed up 10 s) until
   * `disconnect()`. A first `connect()` that fails is not retried.
   *
   * A connection that is connecting, connected or reconnecting keeps Node
   * running; one that was never connected, or was disconnected, does not.
   */
  class MqttClientConnection extends EventEmitter {
    /** The name of the `connect` event: a `connect()` call succeeded. */
    static readonly CONNECT: 'connect';
    /** The name of the `connection_success` event: the broker accepted a connection. */
    static readonly CONNECTION_SUCCESS: 'connection_success';
    /** The name of the `connection_failure` event: an attempt failed. */
    static readonly CONNECTION_FAILURE: 'connection_failure';
    /** The name of the `interrupt` event: an established link was lost. */
    static readonly INTERRUPT: 'interrupt';
    /** The name of the `resume` event: a reconnect succeeded. */
    static readonly RESUME: 'resume';
    /** The name of the `message` event: a message arrived. */
    static readonly MESSAGE: 'message';
    /** The name of the `disconnect` event: a `disconnect()` call finished. */
    static readonly DISCONNECT: 'disconnect';
    /** The name of the `closed` event: the connection is finished. */
    static readonly CLOSED: 'closed';
    /** The name of the `error` event, which mqtt-napi never emits (see {@link on}). */
    static readonly ERROR: 'error';

    /**
     * Use `MqttClient.new_connection(config)`.
     *
     * @param client The client the connection belongs to.
     * @param config As for {@link MqttClient.new_connection}, and checked the same way.
     */
    constructor(client: MqttClient, config: MqttConnectionConfig);

    /** The configuration the connection was made with. */
    readonly config: MqttConnectionConfig;

    /**
     * Opens the connection. Resolves with `session_present` when the broker
     * accepts it; rejects with a {@link CrtError} carrying `error_code` (and
     * `return_code` for a refused CONNACK) when the attempt fails. After
     * `disconnect()`, `connect()` may be called again.
     */
    connect(): Promise<boolean>;

    /** Deprecated aws-crt alias: resolves like `connect()`. */
    reconnect(): Promise<boolean>;

    /**
     * Publishes a message. QoS 0 resolves when written to the socket, QoS 1 on
     * PUBACK, QoS 2 on PUBCOMP. A topic with wildcards, an empty topic or a qos
     * outside 0..2 rejects with a TypeError/RangeError naming the argument.
     * QoS 1/2 publishes made before the connection is up wait for it.
     *
     * @param topic The topic (not empty, no wildcards).
     * @param payload The message; see {@link Payload}.
     * @param qos The QoS to publish with.
     * @param retain Whether the broker retains the message (default false; a
     *   non-boolean rejects with a TypeError).
     */
    publish(topic: string, payload: Payload, qos: QoS, retain?: boolean): Promise<MqttRequest>;

    /**
     * Subscribes to a topic filter (wildcards `+` and `#` allowed). Resolves on
     * SUBACK with the granted QoS (128 when refused). `on_message`, when given,
     * receives the messages matching this filter instead of the `message`
     * catch-all; subscribing the same filter again replaces it. It may fire
     * before the SUBACK arrives.
     *
     * @param topic The topic filter.
     * @param qos The QoS asked for.
     * @param on_message Receives the messages matching this filter (a
     *   non-function rejects with a TypeError).
     */
    subscribe(topic: string, qos: QoS, on_message?: OnMessageCallback): Promise<MqttSubscribeRequest>;

    /**
     * Sets the catch-all handler for messages that no subscription callback took.
     *
     * @param callback The handler; it replaces the previous one. A
     *   non-function throws a TypeError.
     */
    on_message(callback: OnMessageCallback): void;

    /**
     * Unsubscribes a topic filter; resolves on UNSUBACK.
     *
     * @param topic The topic filter, as subscribed; its `on_message` callback
     *   is dropped on UNSUBACK.
     */
    unsubscribe(topic: string): Promise<MqttRequest>;

    /**
     * Sends DISCONNECT and closes the connection; resolves when closed, after
     * the `disconnect` and `closed` events. The connection can be connected
     * again afterwards.
     */
    disconnect(): Promise<void>;

    /** Counts and sizes of operations not yet completed. */
    getOperationalStatistics(): OperationalStatistics;
    /** Same as {@link getOperationalStatistics}. */
    getQueueStatistics(): OperationalStatistics;

    /**
     * Listens to `connect`: a `connect()` call succeeded.
     *
     * @param event `'connect'`.
     * @param listener Called with `session_present`: whether the broker
     *   resumed a stored session.
     */
    on(event: 'connect', listener: (session_present: boolean) => void): this;
    /**
     * Listens to `connection_success`: the broker accepted a connection (the
     * first and each reconnect), before `connect` or `resume`.
     *
     * @param event `'connection_success'`.
     * @param listener Called with an {@link OnConnectionSuccessResult}.
     */
    on(event: 'connection_success', listener: (result: OnConnectionSuccessResult) => void): this;
    /**
     * Listens to `connection_failure`: an attempt failed (a first one, or a
     * reconnect).
     *
     * @param event `'connection_failure'`.
     * @param listener Called with an {@link OnConnectionFailedResult}, whose
     *   `error` says why.
     */
    on(event: 'connection_failure', listener: (result: OnConnectionFailedResult) => void): this;
    /**
     * Listens to `interrupt`: an established link was lost; reconnecting starts.
     *
     * @param event `'interrupt'`.
     * @param listener Called with the {@link CrtError} that ended the link.
     */
    on(event: 'interrupt', listener: (error: CrtError) => void): this;
    /**
     * Listens to `resume`: a reconnect succeeded.
     *
     * @param event `'resume'`.
     * @param listener Called with the CONNACK return code (0) and whether the
     *   broker resumed a stored session.
     */
    on(event: 'resume', listener: (return_code: number, session_present: boolean) => void): this;
    /**
     * Listens to `message`: every message received, whether or not a
     * subscription callback also takes it.
     *
     * @param event `'message'`.
     * @param listener Called as an {@link OnMessageCallback}.
     */
    on(event: 'message', listener: OnMessageCallback): this;
    /**
     * Listens to `disconnect`: a `disconnect()` call finished.
     *
     * @param event `'disconnect'`.
     * @param listener Called without arguments.
     */
    on(event: 'disconnect', listener: () => void): this;
    /**
     * Listens to `closed`: the connection is finished, after `disconnect`.
     *
     * @param event `'closed'`.
     * @param listener Called with an empty {@link OnConnectionClosedResult}.
     */
    on(event: 'closed', listener: (result: OnConnectionClosedResult) => void): this;
    /**
     * Listens to `error`, as aws-crt declares it. mqtt-napi reports failures
     * through rejected promises, `connection_failure` and `interrupt`, and
     * never emits `error`; a listener that does nothing is installed, as
     * aws-crt does.
     *
     * @param event `'error'`.
     * @param listener Would be called with a {@link CrtError}.
     */
    on(event: 'error', listener: (error: CrtError) => void): this;
    /**
     * Listens to any other event, as EventEmitter does.
     *
     * @param event The event's name.
     * @param listener Called with the arguments the event is emitted with.
     */
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** The same class as {@link http.HttpProxyOptions}. */
  export import HttpProxyOptions = http.HttpProxyOptions;
}
