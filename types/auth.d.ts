/**
 * aws-crt-nodejs's `auth` namespace (credential providers and SigV4 request
 * signing), name for name (re-exported by the package root).
 *
 * @module
 */

import { CrtError, io, http } from './crt';

/**
 * AWS credentials and SigV4 signing, with aws-crt's `auth` API:
 * `require('aws-crt').auth` becomes `require('mqtt-napi').auth`, and code
 * written against aws-crt's declarations compiles unchanged.
 *
 * Signing is SigV4 written in JavaScript (node:crypto); it produces aws-crt's
 * signatures byte for byte. SigV4a (`AwsSigningAlgorithm.SigV4Asymmetric`)
 * is not supported. Where aws-crt's providers are native, mqtt-napi's default
 * and Cognito providers are the AWS SDK's own (the optional package
 * `@aws-sdk/credential-providers`), and
 * {@link AwsCredentialsProvider.newDelegate} plugs in any other source.
 */
export declare namespace auth {
  /**
   * One set of AWS credentials, as a provider gives them.
   *
   * @remarks mqtt-napi extension: aws-crt never hands credentials to
   * JavaScript. The shape is the AWS SDK's (`AwsCredentialIdentity`), so an
   * SDK provider's answer can be returned from a
   * {@link AwsCredentialsProvider.newDelegate} delegate as is.
   */
  interface AwsCredentials {
    /** The access key id (non-empty), e.g. `AKIDEXAMPLE`. */
    accessKeyId: string;
    /** The secret access key (non-empty). */
    secretAccessKey: string;
    /** The session token of temporary credentials; absent (or `''`) for long-term keys. */
    sessionToken?: string;
    /**
     * When temporary credentials expire. A provider keeps an answer until
     * five minutes before this, then asks its source again; without it, a
     * delegate's answer is not kept.
     */
    expiration?: Date;
  }

  /**
   * A pair defining an identity provider and a valid login token sourced
   * from it (for {@link CognitoCredentialsProviderConfig.logins}).
   */
  interface CognitoLoginTokenPair {
    /** The name of the identity provider, e.g. `graph.facebook.com` or a Cognito user pool's provider name. */
    identityProviderName: string;
    /** A login token the identity provider issued. */
    identityProviderToken: string;
  }

  /**
   * What {@link AwsCredentialsProvider.newCognito} needs: Cognito Identity's
   * `GetCredentialsForIdentity` for one identity. The fields are aws-crt's.
   */
  interface CognitoCredentialsProviderConfig {
    /**
     * Cognito Identity's regional endpoint, e.g.
     * `cognito-identity.us-east-1.amazonaws.com`; the region is read from it
     * (`us-east-1` when it names none).
     *
     * Differs from aws-crt on purpose: a whole URL (e.g.
     * `http://localhost:4566`) is accepted too, for a local endpoint.
     */
    endpoint: string;
    /** The Cognito identity id to get credentials for, e.g. `us-east-1:1234...` (non-empty). */
    identity: string;
    /** Login tokens for an authenticated identity (default none: an unauthenticated identity). */
    logins?: Array<CognitoLoginTokenPair>;
    /** The ARN of the role to assume when the identity provider's token allows several. */
    customRoleArn?: string;
    /**
     * aws-crt's TLS context for the HTTPS call. Accepted and not used: the
     * AWS SDK's HTTPS client makes the call, trusting Node's roots.
     */
    tlsContext?: io.ClientTlsContext;
    /** Accepted for aws-crt compatibility; not needed. */
    bootstrap?: io.ClientBootstrap;
    /**
     * aws-crt's proxy for the HTTPS call. Not supported: giving one is a
     * TypeError (the call goes to the endpoint directly).
     */
    httpProxyOptions?: http.HttpProxyOptions;
  }

  /**
   * What {@link AwsCredentialsProvider.newX509} needs: AWS IoT's credentials
   * provider, which trades the device's certificate for temporary AWS
   * credentials of a role alias. The fields are aws-crt's.
   */
  interface X509CredentialsConfig {
    /**
     * The account's IoT credentials endpoint, `host` or `host:port` (port 443
     * by default); `aws iot describe-endpoint --endpoint-type
     * iot:CredentialProvider` gives it.
     */
    endpoint: string;
    /** The IoT thing's name, sent as `x-amzn-iot-thingname` (non-empty). */
    thingName: string;
    /** The role alias to get credentials for (non-empty). */
    roleAlias: string;
    /**
     * The TLS context the device connects with: it must hold a client
     * certificate and key.
     *
     * Differs from aws-crt on purpose: the certificate and key must come
     * from files, PEM text or PKCS#12 (a PKCS#11 token or the Windows
     * certificate store is a TypeError).
     */
    tlsContext: io.ClientTlsContext;
    /**
     * aws-crt's proxy for the HTTPS call. Not supported: giving one is a
     * TypeError (the call goes to the endpoint directly).
     */
    httpProxyOptions?: http.HttpProxyOptions;
  }

  /**
   * A source of the AWS credentials that sign a request (aws-crt's
   * `auth.AwsCredentialsProvider`). Made by its static factories; pass it as
   * {@link AwsSigningConfig.provider} or to the `iot` builders.
   *
   * Every factory checks its arguments at the call and throws a TypeError
   * naming a bad one. Fetching happens when a signature is needed (each
   * WebSocket connect attempt): a failure rejects the signing with a
   * {@link CrtError} whose `error_code` names the source (for example
   * `AWS_AUTH_SIGNING_NO_CREDENTIALS` for the default chain). Nothing is
   * written to the console.
   */
  class AwsCredentialsProvider {
    private constructor();
    private _fetch;

    /**
     * A provider that looks for credentials where the AWS SDK does.
     *
     * Differs from aws-crt on purpose: it needs the optional package
     * `@aws-sdk/credential-providers` (without it, this throws an Error that
     * says to install it) and its chain is the AWS SDK's
     * (`fromNodeProviderChain`): environment variables, SSO, shared
     * config and credentials files (profiles, assumed roles), a profile's
     * `credential_process`, web identity tokens, then the ECS container
     * endpoint or IMDSv2 on EC2. An answer is kept until five minutes before
     * it expires, or 15 minutes when it has no expiry.
     *
     * @param bootstrap Accepted for aws-crt compatibility; not needed.
     * @returns A provider that searches the chain when first asked.
     */
    static newDefault(bootstrap?: io.ClientBootstrap | undefined): AwsCredentialsProvider;
    /**
     * A provider that always gives the same credentials.
     *
     * Differs from aws-crt on purpose: each argument must be a string
     * (aws-crt's type also takes bytes); anything else is a TypeError naming
     * it, at the call.
     *
     * @param access_key The access key id.
     * @param secret_key The secret access key.
     * @param session_token The session token of temporary credentials (default none).
     * @returns A provider of these credentials.
     */
    static newStatic(access_key: string, secret_key: string, session_token?: string): AwsCredentialsProvider;
    /**
     * A provider that gets credentials from Cognito Identity's
     * `GetCredentialsForIdentity`, kept until five minutes before they
     * expire.
     *
     * Differs from aws-crt on purpose: it needs the optional package
     * `@aws-sdk/credential-providers` (the AWS SDK's `fromCognitoIdentity`
     * makes the call), and `endpoint` may be a whole URL for a local
     * endpoint. A failed call rejects with
     * `AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE`, the SDK's
     * reason kept in the message.
     *
     * @param config The identity, its logins and the endpoint; checked now.
     * @returns A provider of the identity's credentials.
     */
    static newCognito(config: CognitoCredentialsProviderConfig): AwsCredentialsProvider;
    /**
     * A provider that gets credentials from AWS IoT's credentials provider
     * (`GET https://<endpoint>/role-aliases/<roleAlias>/credentials`, the
     * device's certificate presented), kept until five minutes before they
     * expire.
     *
     * Differs from aws-crt on purpose: the certificate and key must be
     * files, PEM text or PKCS#12 material, read when the provider is made;
     * there is no proxy. A failed call rejects with
     * `AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE` and says why (the
     * HTTP status and the start of the answer).
     *
     * @param config The endpoint, thing name, role alias and TLS context; checked now.
     * @returns A provider of the role alias's credentials.
     */
    static newX509(config: X509CredentialsConfig): AwsCredentialsProvider;
    /**
     * A provider that asks `delegate` for credentials whenever a signature
     * needs them: any source can be plugged in, for example one of
     * `@aws-sdk/credential-providers` (`fromSSO()`, `fromTemporaryCredentials()`,
     * ...), whose answers have this shape. An answer with an `expiration` is
     * kept until five minutes before it; one without is not kept. Concurrent
     * requests share one call.
     *
     * @remarks mqtt-napi extension: not in aws-crt (aws-crt-nodejs has no
     * delegate provider).
     *
     * @param delegate Gives the credentials, or a promise of them. An answer
     *   of the wrong shape, a throw or a rejection rejects the signing with
     *   `AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE`, the reason kept in
     *   the message. Not a function: a TypeError now.
     * @returns A provider that calls `delegate`.
     */
    static newDelegate(delegate: () => AwsCredentials | Promise<AwsCredentials>): AwsCredentialsProvider;
    /**
     * The credentials this provider gives now (from its cache when they are
     * still fresh).
     *
     * @remarks mqtt-napi extension: aws-crt keeps credentials inside its
     * native code.
     *
     * @returns A promise of the credentials; it rejects with a
     *   {@link CrtError} when the source gives none.
     */
    getCredentials(): Promise<AwsCredentials>;
  }

  /** The signing algorithm (aws-crt's numbers). */
  enum AwsSigningAlgorithm {
    /** AWS Signature Version 4: the only one mqtt-napi signs with. */
    SigV4 = 0,
    /**
     * SigV4a (asymmetric, ECDSA P-256). Not supported: signing with it
     * rejects with `AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`.
     */
    SigV4Asymmetric = 1,
  }

  /** What is signed and where the signature goes (aws-crt's numbers). */
  enum AwsSignatureType {
    /** Sign an HTTP request; the signature goes in the `Authorization` header (with `X-Amz-Date`). */
    HttpRequestViaHeaders = 0,
    /**
     * Sign an HTTP request; the signature goes in `X-Amz-*` query parameters
     * (a presigned URL, as AWS IoT's WebSocket upgrade uses).
     */
    HttpRequestViaQueryParams = 1,
    /**
     * Sign a payload chunk. Not supported: signing rejects with
     * `AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE`.
     */
    HttpRequestChunk = 2,
    /**
     * Sign an event-stream event. Not supported: signing rejects with
     * `AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE`.
     */
    HttpRequestEvent = 3,
  }

  /**
   * Special values for {@link AwsSigningConfig.signed_body_value}: what
   * stands for the body in the canonical request.
   */
  enum AwsSignedBodyValue {
    /** The SHA-256 of the empty string (what AWS IoT's WebSocket upgrade is signed with). */
    EmptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    /** The literal `UNSIGNED-PAYLOAD`: the body is not signed. */
    UnsignedPayload = 'UNSIGNED-PAYLOAD',
    /** The literal `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`. */
    StreamingAws4HmacSha256Payload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    /** The literal `STREAMING-AWS4-HMAC-SHA256-EVENTS`. */
    StreamingAws4HmacSha256Events = 'STREAMING-AWS4-HMAC-SHA256-EVENTS',
  }

  /** Which header, if any, carries the body value (aws-crt's numbers). */
  enum AwsSignedBodyHeaderType {
    /** No header (the default). */
    None = 0,
    /** Add `X-Amz-Content-Sha256` with the body value (header signing). */
    XAmzContentSha256 = 1,
  }

  /**
   * The part of a signing configuration that does not depend on the
   * platform (aws-crt's `AwsSigningConfigBase`).
   */
  interface AwsSigningConfigBase {
    /** The region to sign for, e.g. `us-east-1` (non-empty). */
    region: string;
    /**
     * The service to sign for, e.g. `iotdevicegateway` for AWS IoT's
     * WebSocket upgrade. Optional in aws-crt's type; {@link aws_sign_request}
     * rejects with a TypeError without it.
     */
    service?: string;
    /** The signing time (default now). */
    date?: Date;
  }

  /**
   * How {@link aws_sign_request} signs (aws-crt's `AwsSigningConfig`). Use a
   * new one for each signature, or the date grows old. Every field is
   * checked when signing; a bad one rejects with a TypeError naming it.
   */
  interface AwsSigningConfig extends AwsSigningConfigBase {
    /** The algorithm: `SigV4` (`SigV4Asymmetric` is not supported). */
    algorithm: AwsSigningAlgorithm;
    /** Where the signature goes: `HttpRequestViaHeaders` or `HttpRequestViaQueryParams`. */
    signature_type: AwsSignatureType;
    /** Where the credentials come from. */
    provider: AwsCredentialsProvider;
    /**
     * Headers not to sign (compared case-insensitively), besides those never
     * signed (`user-agent`, `x-amzn-trace-id`, `upgrade`,
     * `sec-websocket-*`, ...). Leaving out a header the service needs
     * signed makes the signature useless.
     */
    header_blacklist?: string[];
    /** Encode the path twice in the canonical request (default true: every service but S3). */
    use_double_uri_encode?: boolean;
    /** Normalize the path (`.` and `..` segments, repeated `/`) in the canonical request (default true). */
    should_normalize_uri_path?: boolean;
    /**
     * Leave the session token out of what is signed and add it afterwards
     * (default false). Only AWS IoT's WebSocket upgrade wants this.
     */
    omit_session_token?: boolean;
    /**
     * What stands for the body in the canonical request: a lowercase hex
     * SHA-256 or an {@link AwsSignedBodyValue}. By default the request's body
     * (a string, Buffer, typed array or ArrayBuffer; none counts as empty)
     * is hashed; another kind of body needs this set.
     */
    signed_body_value?: string;
    /** Whether to add a header holding the body value (default `None`). */
    signed_body_header?: AwsSignedBodyHeaderType;
    /**
     * Query signing only: how long, in seconds, the presigned URL is valid
     * (adds `X-Amz-Expires`; default none is added).
     */
    expiration_in_seconds?: number;
  }

  /**
   * Signs `request` with SigV4 as `config` says: it changes the request in
   * place (its path and query, or its headers) and resolves with it. The
   * signatures are aws-crt's byte for byte.
   *
   * Do not set what signing adds: an `Authorization`, `X-Amz-Date`,
   * `X-Amz-Security-Token`, `X-Amz-Content-Sha256` or `X-Amz-Region-Set`
   * header, or one of the `X-Amz-*` query parameters of a presigned URL
   * (Signature, Date, Credential, Algorithm, SignedHeaders, Security-Token,
   * Expires, Region-Set) rejects with
   * `AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER` /
   * `AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM`.
   *
   * @param request The request to sign (an {@link http.HttpRequest}, else a TypeError).
   * @param config How to sign.
   * @returns A promise of the signed request. It rejects with a TypeError
   *   naming a bad field of `config`, or a {@link CrtError} when signing
   *   cannot be done (no credentials, an unsupported algorithm or signature
   *   type).
   */
  function aws_sign_request(request: http.HttpRequest, config: AwsSigningConfig): Promise<http.HttpRequest>;

  /**
   * aws-crt's internal test helper that checks a SigV4a signature. It always
   * throws a {@link CrtError} (`AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM`):
   * SigV4a is not supported. Declared so that aws-crt code compiles.
   *
   * @param request The request that was signed.
   * @param config The configuration it was signed with.
   * @param expected_canonical_request The canonical request expected.
   * @param signature The signature to check.
   * @param ecc_key_pub_x The x coordinate of the public key.
   * @param ecc_key_pub_y The y coordinate of the public key.
   * @returns Never: it always throws.
   */
  function aws_verify_sigv4a_signing(
    request: http.HttpRequest,
    config: AwsSigningConfig,
    expected_canonical_request: string | ArrayBuffer | ArrayBufferView,
    signature: string | ArrayBuffer | ArrayBufferView,
    ecc_key_pub_x: string | ArrayBuffer | ArrayBufferView,
    ecc_key_pub_y: string | ArrayBuffer | ArrayBufferView,
  ): boolean;
}
