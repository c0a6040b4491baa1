/**
 * aws-crt-nodejs's `iot` namespace (the AWS IoT Core configuration
 * builders), name for name (re-exported by the package root).
 *
 * @module
 */

import { io, http, mqtt } from './crt';
import { mqtt5 } from './mqtt5';
import { auth } from './auth';

/**
 * Configuration builders for AWS IoT Core, with aws-crt's `iot` API:
 * `require('aws-crt').iot` (or aws-iot-device-sdk-v2's `iot`) becomes
 * `require('mqtt-napi').iot`, and code written against aws-crt's
 * declarations compiles unchanged.
 * {@link AwsIotMqttConnectionConfigBuilder} builds an
 * {@link mqtt.MqttConnectionConfig} (MQTT 3.1.1) and
 * {@link AwsIotMqtt5ClientConfigBuilder} an {@link mqtt5.Mqtt5ClientConfig};
 * the client is then made as usual.
 *
 * Where mqtt-napi differs on purpose: input is checked at the call that
 * takes it (a file that cannot be read, text that is not PEM, a port that is
 * not an integer from 1 to 65535, an incomplete custom-authorizer token...),
 * and the error names the argument, where aws-crt fails later (at `build()`,
 * or at connect time with a DNS or unknown error); `build()` returns a new
 * config and TLS context each time (aws-crt returns the same object); the
 * CONNECT username announces `SDK=mqtt-napi` (see {@link AWSIoTMetrics});
 * nothing is written to the console.
 */
export declare namespace iot {
  /**
   * The AWS IoT SDK metrics a config carries: added to the CONNECT username
   * as aws-c-mqtt does (`aws_mqtt_append_sdk_metrics_to_username`). In the
   * query after the username's last `?`, `SDK=<libraryName>` and
   * `Platform=<os>` are added if absent and `Metadata=(key=value;...)`
   * merged key by key (keys already there win); a result longer than 65535
   * bytes sends the username unchanged.
   *
   * The `iot` builders set `{ libraryName: 'mqtt-napi', metadata:
   * [['Version', <package version>]] }`. Only configs that carry `metrics`
   * get them: unlike aws-crt 1.33, a plain `mqtt` or `mqtt5` config's
   * username goes out as written. `disable_metrics: true` (MQTT 3.1.1) or
   * `disableMetrics: true` (MQTT 5) on the config turns them off.
   *
   * @remarks mqtt-napi extension: aws-crt declares this shape (its
   * `AWSIoTMetrics`, with `metadata` required) but does not export the name.
   */
  interface AWSIoTMetrics {
    /** The library announced as `SDK=` (a string, else a TypeError when the client is made). */
    libraryName: string;
    /** Pairs added to `Metadata=(key=value;...)`, in order (default none). */
    metadata?: [string, string][];
  }

  /**
   * A PKCS#12 file and its password, for
   * {@link AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs12_builder} and
   * {@link AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPkcs12}.
   *
   * @remarks mqtt-napi extension: aws-crt declares this shape as
   * `io.Pkcs12Options`; object literals written for it fit this one.
   */
  interface Pkcs12Options {
    /** The path of the PKCS#12 file holding the client certificate and key (readable, checked at the call). */
    pkcs12_file: string;
    /** Its password. */
    pkcs12_password: string;
  }

  /**
   * The WebSocket options of
   * {@link AwsIotMqttConnectionConfigBuilder.new_with_websockets}: each
   * connect attempt's upgrade request is signed with SigV4 (a presigned URL,
   * as AWS IoT wants). The fields are aws-crt's.
   */
  interface WebsocketConfig {
    /** Where the signing credentials come from (an {@link auth.AwsCredentialsProvider}, else a TypeError at the call). */
    credentials_provider: auth.AwsCredentialsProvider;
    /** The region of the endpoint, e.g. `us-east-1` (non-empty, checked at the call). */
    region: string;
    /** Connect through this HTTP proxy (a `CONNECT` tunnel). */
    proxy_options?: http.HttpProxyOptions;
    /** The TLS options to start from (default new ones: the system's trust store, no ALPN). */
    tls_ctx_options?: io.TlsContextOptions;
    /** The service signed for (default `iotdevicegateway`). */
    service?: string;
    /**
     * Makes the signing configuration of each attempt, instead of the
     * default one (SigV4, query parameters, `credentials_provider`,
     * `region`, `service`, the empty body's hash, the session token added
     * after signing). With it, `credentials_provider` and `region` are not
     * used.
     *
     * Differs from aws-crt on purpose: the type asks for a whole
     * {@link auth.AwsSigningConfig}. aws-crt's says `AwsSigningConfigBase`,
     * but with only that its connect fails with `AWS_ERROR_UNKNOWN`.
     */
    create_signing_config?: () => auth.AwsSigningConfig;
  }

  /**
   * The options of
   * {@link AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth}.
   * The fields are aws-crt's.
   */
  interface WebsocketSigv4Config {
    /**
     * Where the signing credentials come from (default
     * {@link auth.AwsCredentialsProvider.newDefault}, which needs the
     * optional package `@aws-sdk/credential-providers`).
     */
    credentialsProvider?: auth.AwsCredentialsProvider;
    /**
     * The region of the endpoint (default: read from the endpoint's name,
     * the third label of `<prefix>-ats.iot.<region>.amazonaws.com`; a name
     * it cannot be read from is a TypeError at the call).
     */
    region?: string;
  }

  /**
   * An [AWS IoT Core custom authorizer](https://docs.aws.amazon.com/iot/latest/developerguide/custom-authentication.html)
   * for the MQTT 5 builder: everything goes in the CONNECT's username and
   * password. The fields are aws-crt's; they are checked at the factory call
   * (aws-crt: at `build()`), naming the field.
   */
  interface MqttConnectCustomAuthConfig {
    /**
     * The authorizer's name, added as `x-amz-customauthorizer-name=<name>`.
     * Needed unless the endpoint has a default authorizer. Not encoded:
     * URL-encode it yourself if it needs it.
     */
    authorizerName?: string;
    /**
     * The username. A query in it (`name?key=value`) is kept and the
     * authorizer's parameters are added to it; more than one `?` is a
     * TypeError.
     */
    username?: string;
    /** The CONNECT's password (IoT hands it to the authorizer base64-encoded). */
    password?: mqtt5.BinaryData;
    /**
     * The username query key the token goes under. Needed, with
     * {@link tokenValue} and {@link tokenSignature}, by an authorizer with
     * signing on; giving some of the three and not all is an Error at the
     * call.
     */
    tokenKeyName?: string;
    /** The token, signed by the authorizer's private key (see {@link tokenKeyName}). */
    tokenValue?: string;
    /**
     * The token's signature, base64; added as
     * `x-amz-customauthorizer-signature=<signature>`, URI-encoded unless it
     * already holds a `%` (see {@link tokenKeyName}).
     */
    tokenSignature?: string;
  }

  /**
   * Builds an {@link mqtt.MqttConnectionConfig} (MQTT 3.1.1) for AWS IoT
   * Core (aws-crt's `iot.AwsIotMqttConnectionConfigBuilder`). Start from a
   * static factory, chain `with_*` calls, then `build()` and pass the result
   * to {@link mqtt.MqttClient.new_connection}.
   *
   * Every builder starts with port 8883, `clean_session` false (a persistent
   * session), keep alive undefined (1200 s on the wire), reconnect waits 1 to
   * 128 s, an empty client id and username and default socket options, as
   * aws-crt's.
   *
   * Where it differs from aws-crt on purpose: each call checks its input and
   * throws naming the argument (aws-crt's factories never throw, and
   * `with_port('abc')` is accepted); `build()` requires an endpoint and
   * returns a new config and TLS context each time; `with_credentials` also
   * switches to WebSockets; the config carries mqtt-napi's
   * {@link AWSIoTMetrics}; nothing is written to the console.
   */
  class AwsIotMqttConnectionConfigBuilder {
    private constructor();
    private tls_ctx_options;
    private params;

    /**
     * Mutual TLS with a PEM certificate file and a PEM key file: port 8883,
     * ALPN `x-amzn-mqtt-ca` (which lets IoT Core take mutual TLS on 443
     * too).
     *
     * @param cert_path The certificate chain, PEM (must be readable now, else an Error naming `cert_path`).
     * @param key_path The private key, PEM (must be readable now, else an Error naming `key_path`).
     * @returns A new builder.
     */
    static new_mtls_builder_from_path(cert_path: string, key_path: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * Mutual TLS with a PEM certificate and key held in memory: port 8883,
     * ALPN `x-amzn-mqtt-ca`.
     *
     * @param cert The certificate chain, PEM text (else a TypeError naming `cert`).
     * @param private_key The private key, PEM text (else a TypeError naming `private_key`).
     * @returns A new builder.
     */
    static new_mtls_builder(cert: string, private_key: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * Mutual TLS with the private key on a PKCS#11 token: port 8883, ALPN
     * `x-amzn-mqtt-ca`.
     *
     * @param pkcs11_options The PKCS#11 library, token, key and certificate.
     * @returns A new builder.
     */
    static new_mtls_pkcs11_builder(pkcs11_options: io.TlsContextOptions.Pkcs11Options): AwsIotMqttConnectionConfigBuilder;
    /**
     * Mutual TLS with a PKCS#12 file: port 8883, ALPN `x-amzn-mqtt-ca`.
     * Differs from aws-crt on purpose: it works on every platform (aws-crt's
     * only on macOS).
     *
     * @param pkcs12_options The file (readable now) and its password.
     * @returns A new builder.
     */
    static new_mtls_pkcs12_builder(pkcs12_options: Pkcs12Options): AwsIotMqttConnectionConfigBuilder;
    /**
     * Mutual TLS with a certificate in the Windows certificate store: port
     * 8883, ALPN `x-amzn-mqtt-ca`. Declared for aws-crt compatibility;
     * mqtt-napi cannot read the store: off Windows this throws an Error at
     * the call, on Windows `build()` throws naming `windows_cert_store_path`
     * (export the certificate and key to PKCS#12 and use
     * {@link AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs12_builder}).
     *
     * @param certificate_path The certificate's store path, backslashes and
     *   ending with its thumbprint, e.g.
     *   `CurrentUser\MY\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6`.
     * @returns A new builder.
     */
    static new_mtls_windows_cert_store_path_builder(certificate_path: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * TLS with the system's trust store and no client certificate, port
     * 8883, no ALPN: for a custom authorizer
     * ({@link AwsIotMqttConnectionConfigBuilder.with_custom_authorizer}) or
     * settings made by hand.
     *
     * @returns A new builder.
     */
    static new_default_builder(): AwsIotMqttConnectionConfigBuilder;
    /**
     * The same as {@link AwsIotMqttConnectionConfigBuilder.new_with_websockets}.
     *
     * @param options As for `new_with_websockets`.
     * @returns A new builder.
     */
    static new_websocket_builder(options?: WebsocketConfig): AwsIotMqttConnectionConfigBuilder;
    /**
     * MQTT over WebSockets on port 443 (no ALPN). With `options`, each
     * attempt's upgrade request is signed with SigV4; a signing failure (no
     * credentials, say) fails that attempt with its own error code and
     * words.
     *
     * @param options The credentials, region and other WebSocket options,
     *   checked now (a TypeError naming a bad field). Without them the
     *   upgrade is not signed.
     * @returns A new builder.
     */
    static new_with_websockets(options?: WebsocketConfig): AwsIotMqttConnectionConfigBuilder;
    /**
     * MQTT over WebSockets on port 443 without signing: for a custom
     * authorizer over WebSockets.
     *
     * @returns A new builder.
     */
    static new_builder_for_websocket(): AwsIotMqttConnectionConfigBuilder;

    /**
     * Trusts these CAs instead of the system's (e.g. Amazon Root CA 1).
     *
     * @param ca_dirpath A directory of PEM CA certificates, or undefined
     *   (readable now when given, else an Error naming it).
     * @param ca_filepath A PEM file of CA certificates, or undefined
     *   (readable now when given, else an Error naming it).
     * @returns This builder.
     */
    with_certificate_authority_from_path(ca_dirpath?: string, ca_filepath?: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * Trusts these CAs instead of the system's.
     *
     * @param ca PEM CA certificates as text (else a TypeError naming `ca`).
     * @returns This builder.
     */
    with_certificate_authority(ca: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * The TLS cipher preference (default `Default`). The post-quantum ones
     * are not supported: `build()` then throws (see
     * {@link io.tls_cipher_preference_is_supported}).
     *
     * @param tls_cipher_preference Which suites to offer.
     * @returns This builder.
     */
    with_tls_cipher_preference(tls_cipher_preference: io.TlsCipherPreference): AwsIotMqttConnectionConfigBuilder;
    /**
     * The IoT endpoint, e.g. `abc123-ats.iot.us-east-1.amazonaws.com`.
     * Required: `build()` without it is a TypeError (aws-crt builds and
     * fails at DNS).
     *
     * @param endpoint The host name (a non-empty string, else a TypeError).
     * @returns This builder.
     */
    with_endpoint(endpoint: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * The port, instead of the factory's (8883 for MQTT, 443 for
     * WebSockets). A later `with_custom_authorizer` still sets 443, as
     * aws-crt's.
     *
     * @param port An integer from 1 to 65535 (else a TypeError naming `port`).
     * @returns This builder.
     */
    with_port(port: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * The client id, unique per device (default `''`).
     *
     * @param client_id A string (else a TypeError).
     * @returns This builder.
     */
    with_client_id(client_id: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * Whether to start a clean session (default false: the broker keeps the
     * session across connections).
     *
     * @param clean_session A boolean (else a TypeError).
     * @returns This builder.
     */
    with_clean_session(clean_session: boolean): AwsIotMqttConnectionConfigBuilder;
    /**
     * The MQTT keep alive (PINGREQ interval; not TCP keepalive).
     *
     * @param keep_alive Seconds, a non-negative integer (else a TypeError); 0
     *   or undefined means 1200.
     * @returns This builder.
     */
    with_keep_alive_seconds(keep_alive: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * The old name of {@link AwsIotMqttConnectionConfigBuilder.with_ping_timeout_ms}
     * (aws-crt's sets the ping timeout too).
     *
     * @deprecated Use `with_ping_timeout_ms`.
     * @param timeout_ms Milliseconds, a non-negative integer.
     * @returns This builder.
     */
    with_timeout_ms(timeout_ms: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * How long to wait for a PINGRESP (and for the CONNACK).
     *
     * @param ping_timeout Milliseconds, a non-negative integer (else a
     *   TypeError); 0 or undefined means 3000.
     * @returns This builder.
     */
    with_ping_timeout_ms(ping_timeout: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * How long a QoS 1/2 publish, subscribe or unsubscribe may wait for its
     * acknowledgement.
     *
     * @param protocol_operation_timeout Milliseconds, a non-negative integer
     *   (else a TypeError); 0 or undefined means no limit.
     * @returns This builder.
     */
    with_protocol_operation_timeout_ms(protocol_operation_timeout: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * The last will, published by the broker if this client vanishes.
     *
     * @param will The topic, QoS and message (checked when the connection is made).
     * @returns This builder.
     */
    with_will(will: mqtt.MqttWill): AwsIotMqttConnectionConfigBuilder;
    /**
     * The socket options (default `new io.SocketOptions()`).
     *
     * @param socket_options An {@link io.SocketOptions} (else a TypeError).
     * @returns This builder.
     */
    with_socket_options(socket_options: io.SocketOptions): AwsIotMqttConnectionConfigBuilder;
    /**
     * Signs each WebSocket upgrade with these static credentials (service
     * `iotdevicegateway`).
     *
     * Differs from aws-crt on purpose: it also switches the builder to
     * WebSockets, on port 443 unless `with_port` chose one (aws-crt installs
     * the signer and leaves a direct-MQTT builder as it was, where the
     * signature means nothing).
     *
     * @param aws_region The region of the endpoint (non-empty).
     * @param aws_access_id The access key id.
     * @param aws_secret_key The secret access key.
     * @param aws_sts_token The session token of temporary credentials (default none).
     * @returns This builder.
     */
    with_credentials(aws_region: string, aws_access_id: string, aws_secret_key: string, aws_sts_token?: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * Connects through an HTTP proxy (a `CONNECT` tunnel).
     *
     * @param proxy_options The proxy (checked when the connection is made).
     * @returns This builder.
     */
    with_http_proxy_options(proxy_options: http.HttpProxyOptions): AwsIotMqttConnectionConfigBuilder;
    /**
     * Connects through an IoT custom authorizer: sets the username (with the
     * authorizer's query parameters, in aws-crt's order: name, signature,
     * token), the password, port 443 and, unless on WebSockets, ALPN `mqtt`.
     * Each append uses `?` if the username has none yet, else `&`.
     *
     * @param username The username; `''` keeps the one set before (by `with_username`).
     * @param authorizer_name The authorizer's name, added as
     *   `x-amz-customauthorizer-name=`; `''` adds none. Not encoded.
     * @param authorizer_signature The token's signature (base64), added as
     *   `x-amz-customauthorizer-signature=`, URI-encoded unless it holds a
     *   `%`; `''` adds none.
     * @param password The password.
     * @param token_key_name The username query key the token goes under.
     * @param token_value The signed token. Giving some of signature, key
     *   and value but not all throws an Error now (as aws-crt's).
     * @returns This builder.
     */
    with_custom_authorizer(
      username: string,
      authorizer_name: string,
      authorizer_signature: string,
      password: string,
      token_key_name?: string,
      token_value?: string,
    ): AwsIotMqttConnectionConfigBuilder;
    /**
     * The username (metrics are added to it unless `disable_metrics` is set on the result).
     *
     * @param username A string (else a TypeError).
     * @returns This builder.
     */
    with_username(username: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * The password.
     *
     * @param password A string (else a TypeError).
     * @returns This builder.
     */
    with_password(password: string): AwsIotMqttConnectionConfigBuilder;
    /**
     * The longest wait before a reconnect (default 128 s).
     *
     * @param max_sec Seconds, a non-negative integer (else a TypeError).
     * @returns This builder.
     */
    with_reconnect_max_sec(max_sec: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * The shortest wait before a reconnect (default 1 s).
     *
     * @param min_sec Seconds, a non-negative integer (else a TypeError).
     * @returns This builder.
     */
    with_reconnect_min_sec(min_sec: number): AwsIotMqttConnectionConfigBuilder;
    /**
     * A new {@link mqtt.MqttConnectionConfig} from what the builder holds
     * now, with a new {@link io.ClientTlsContext} (a TLS problem, such as a
     * key that does not match, throws here naming the option) and `metrics`
     * set to mqtt-napi's {@link AWSIoTMetrics}: set `disable_metrics: true`
     * on the result to send the username as is.
     *
     * Differs from aws-crt on purpose: each call returns a new object (aws-crt
     * returns the same one every time, TLS context cached), and a builder
     * without an endpoint throws a TypeError.
     *
     * @returns The configuration.
     */
    build(): mqtt.MqttConnectionConfig;
  }

  /**
   * Builds an {@link mqtt5.Mqtt5ClientConfig} for AWS IoT Core (aws-crt's
   * `iot.AwsIotMqtt5ClientConfigBuilder`). Start from a static factory,
   * chain `with*` calls, then pass `build()`'s result to
   * `new mqtt5.Mqtt5Client(...)`.
   *
   * Every builder starts with a keep alive of 1200 s
   * (`connectProperties.keepAliveIntervalSeconds`) and
   * `ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults`, as
   * aws-crt's. The host name, files, PEM text, port and custom-authorizer
   * settings are checked at the call, naming the argument; the settings of
   * the other `with*` methods when the client is made, as for any config.
   * `build()` returns a new config and TLS context each time, carrying
   * mqtt-napi's {@link AWSIoTMetrics}. Nothing is written to the console.
   */
  class AwsIotMqtt5ClientConfigBuilder {
    private constructor();
    private tlsContextOptions;
    private config;
    private customAuthConfig;

    /**
     * IoT Core's port for direct MQTT (TLS): 8883.
     *
     * @remarks mqtt-napi extension: private in aws-crt's declarations
     * (readable at run time there too).
     */
    static readonly DEFAULT_DIRECT_MQTT_PORT: number;
    /**
     * IoT Core's port for WebSockets and custom authorizers: 443.
     *
     * @remarks mqtt-napi extension: private in aws-crt's declarations
     * (readable at run time there too).
     */
    static readonly DEFAULT_WEBSOCKET_MQTT_PORT: number;

    /**
     * Direct MQTT with mutual TLS, the certificate and key from PEM files:
     * port 8883, ALPN `x-amzn-mqtt-ca`.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param certPath The certificate chain, PEM (readable now, else an Error naming `certPath`).
     * @param keyPath The private key, PEM (readable now, else an Error naming `keyPath`).
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithMtlsFromPath(hostName: string, certPath: string, keyPath: string): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Direct MQTT with mutual TLS, the certificate and key in memory: port
     * 8883, ALPN `x-amzn-mqtt-ca`.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param cert The certificate chain, PEM text (else a TypeError naming `cert`).
     * @param privateKey The private key, PEM text (else a TypeError naming `privateKey`).
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithMtlsFromMemory(hostName: string, cert: string, privateKey: string): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Direct MQTT with mutual TLS, the private key on a PKCS#11 token: port
     * 8883, ALPN `x-amzn-mqtt-ca`.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param pkcs11Options The PKCS#11 library, token, key and certificate.
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithMtlsFromPkcs11(hostName: string, pkcs11Options: io.TlsContextOptions.Pkcs11Options): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Direct MQTT with mutual TLS from a PKCS#12 file: port 8883, ALPN
     * `x-amzn-mqtt-ca`. Differs from aws-crt on purpose: it works on every
     * platform (aws-crt's only on macOS).
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param pkcs12Options The file (readable now) and its password.
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithMtlsFromPkcs12(hostName: string, pkcs12Options: Pkcs12Options): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Direct MQTT with mutual TLS, the certificate in the Windows certificate
     * store: port 8883, ALPN `x-amzn-mqtt-ca`. Declared for aws-crt
     * compatibility; mqtt-napi cannot read the store: off Windows this throws
     * an Error at the call, on Windows `build()` throws naming
     * `windows_cert_store_path` (export the certificate and key to PKCS#12
     * and use
     * {@link AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPkcs12}).
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param certificatePath The certificate's store path, backslashes and
     *   ending with its thumbprint, e.g.
     *   `CurrentUser\MY\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6`.
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithMtlsFromWindowsCertStorePath(hostName: string, certificatePath: string): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Direct MQTT over TLS through an IoT custom authorizer: port 443, ALPN
     * `mqtt`, the system's trust store. `build()` puts the authorizer's
     * parameters in the CONNECT's username (the username's own query, then
     * name, token, signature: aws-crt's MQTT 5 order) and its password.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param customAuthConfig The authorizer settings, checked now.
     * @returns A new builder.
     */
    static newDirectMqttBuilderWithCustomAuth(hostName: string, customAuthConfig: MqttConnectCustomAuthConfig): AwsIotMqtt5ClientConfigBuilder;
    /**
     * MQTT over WebSockets on port 443, each attempt's upgrade signed with
     * SigV4 (service `iotdevicegateway`); a signing failure fails that
     * attempt with its own error code and words.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param options The credentials provider and region (both optional,
     *   checked now). Without a provider, the default chain's is made now,
     *   which needs the optional package `@aws-sdk/credential-providers`.
     * @returns A new builder.
     */
    static newWebsocketMqttBuilderWithSigv4Auth(hostName: string, options?: WebsocketSigv4Config): AwsIotMqtt5ClientConfigBuilder;
    /**
     * MQTT over WebSockets on port 443 through an IoT custom authorizer (the
     * upgrade is not signed); the username and password as for
     * {@link AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth}.
     *
     * @param hostName The IoT endpoint (non-empty, else a TypeError).
     * @param customAuthConfig The authorizer settings, checked now.
     * @returns A new builder.
     */
    static newWebsocketMqttBuilderWithCustomAuth(hostName: string, customAuthConfig: MqttConnectCustomAuthConfig): AwsIotMqtt5ClientConfigBuilder;

    /**
     * Trusts these CAs instead of the system's (e.g. Amazon Root CA 1).
     *
     * @param caDirpath A directory of PEM CA certificates, or undefined
     *   (readable now when given, else an Error naming it).
     * @param caFilepath A PEM file of CA certificates, or undefined
     *   (readable now when given, else an Error naming it).
     * @returns This builder.
     */
    withCertificateAuthorityFromPath(caDirpath?: string, caFilepath?: string): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Trusts these CAs instead of the system's.
     *
     * @param ca PEM CA certificates as text (else a TypeError naming `ca`).
     * @returns This builder.
     */
    withCertificateAuthority(ca: string): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The TLS cipher preference (default `Default`). The post-quantum ones
     * are not supported: `build()` then throws (see
     * {@link io.tls_cipher_preference_is_supported}).
     *
     * @param tlsCipherPreference Which suites to offer.
     * @returns This builder.
     */
    withTlsCipherPreference(tlsCipherPreference: io.TlsCipherPreference): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The port, instead of the factory's (8883 for direct MQTT, 443 for
     * WebSockets and custom authorizers).
     *
     * @param port An integer from 1 to 65535 (else a TypeError naming `port`).
     * @returns This builder.
     */
    withPort(port: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The CONNECT sent on every attempt, replacing the builder's (keep
     * alive 1200 s): give `keepAliveIntervalSeconds` again if it should
     * stay. A custom authorizer's username and password replace these.
     *
     * @param connectPacket The CONNECT's settings.
     * @returns This builder.
     */
    withConnectProperties(connectPacket: mqtt5.ConnectPacket): AwsIotMqtt5ClientConfigBuilder;
    /**
     * What to do about sessions (default `ClientSessionBehavior.Clean`).
     *
     * @param sessionBehavior The behaviour.
     * @returns This builder.
     */
    withSessionBehavior(sessionBehavior: mqtt5.ClientSessionBehavior): AwsIotMqtt5ClientConfigBuilder;
    /**
     * How reconnect waits are randomized (default `RetryJitterType.Full`).
     *
     * @param retryJitterMode The jitter mode.
     * @returns This builder.
     */
    withRetryJitterMode(retryJitterMode: mqtt5.RetryJitterType): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The shortest wait before a reconnect.
     *
     * @param minReconnectDelayMs Milliseconds (default 1000).
     * @returns This builder.
     */
    withMinReconnectDelayMs(minReconnectDelayMs?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The longest wait before a reconnect.
     *
     * @param maxReconnectDelayMs Milliseconds (default 120000).
     * @returns This builder.
     */
    withMaxReconnectDelayMs(maxReconnectDelayMs?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * How long a connection must stay up for the reconnect wait to go back
     * to the minimum.
     *
     * @param minConnectedTimeToResetReconnectDelayMs Milliseconds (default 30000).
     * @returns This builder.
     */
    withMinConnectedTimeToResetReconnectDelayMs(minConnectedTimeToResetReconnectDelayMs?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * How long to wait for the CONNACK after sending CONNECT.
     *
     * @param connackTimeoutMs Milliseconds (default 20000).
     * @returns This builder.
     */
    withConnackTimeoutMs(connackTimeoutMs?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * What a lost connection does to pending operations (default
     * `FailQos0PublishOnDisconnect`).
     *
     * @param offlineQueueBehavior The behaviour.
     * @returns This builder.
     */
    withOfflineQueueBehavior(offlineQueueBehavior: mqtt5.ClientOperationQueueBehavior): AwsIotMqtt5ClientConfigBuilder;
    /**
     * How long to wait for a PINGRESP.
     *
     * @param pingTimeoutMs Milliseconds (default 30000).
     * @returns This builder.
     */
    withPingTimeoutMs(pingTimeoutMs?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * How long a QoS 1/2 operation waits for its acknowledgement once sent.
     *
     * @param ackTimeoutSeconds Seconds (default 60).
     * @returns This builder.
     */
    withAckTimeoutSeconds(ackTimeoutSeconds?: number): AwsIotMqtt5ClientConfigBuilder;
    /**
     * The socket options (default a TCP socket with a 10 s connect timeout).
     *
     * @param socketOptions The socket options.
     * @returns This builder.
     */
    withSocketOptions(socketOptions: io.SocketOptions): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Connects through an HTTP proxy (a `CONNECT` tunnel).
     *
     * @param httpProxyOptions The proxy.
     * @returns This builder.
     */
    withHttpProxyOptions(httpProxyOptions: http.HttpProxyOptions): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Broker-specific checks and pacing (the builder's default:
     * `AwsIotCoreDefaults`, IoT Core's limits).
     *
     * @param extendedValidationAndFlowControlOptions The checks to make.
     * @returns This builder.
     */
    withExtendedValidationAndFlowControlOptions(
      extendedValidationAndFlowControlOptions: mqtt5.ClientExtendedValidationAndFlowControl,
    ): AwsIotMqtt5ClientConfigBuilder;
    /**
     * Topic alias settings (default none either way).
     *
     * @param topicAliasingOptions The settings.
     * @returns This builder.
     */
    withTopicAliasingOptions(topicAliasingOptions: mqtt5.TopicAliasingOptions): AwsIotMqtt5ClientConfigBuilder;
    /**
     * A new {@link mqtt5.Mqtt5ClientConfig} from what the builder holds now,
     * with a new {@link io.ClientTlsContext} (a TLS problem throws here,
     * naming the option), the custom authorizer's username and password when
     * there is one, and `metrics` set to mqtt-napi's {@link AWSIoTMetrics}:
     * set `disableMetrics: true` on the result to send the username as is.
     *
     * Differs from aws-crt on purpose: each call returns a new object with a
     * new TLS context (aws-crt makes the TLS context once).
     *
     * @returns The configuration.
     */
    build(): mqtt5.Mqtt5ClientConfig;
  }
}
