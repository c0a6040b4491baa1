/**
 * mqtt-napi: a native MQTT 3.1.1 and MQTT 5 client for Node.js.
 *
 * The `mqtt`, `io` and `http` namespaces follow aws-crt-nodejs (`aws-crt`) name
 * for name, so `const { mqtt, io } = require('mqtt-napi')` replaces
 * `require('aws-crt')`. The `mqtt5` namespace follows aws-crt's `mqtt5`
 * module (`Mqtt5Client`, its packets, enums and events) the same way, and
 * `iot` and `auth` follow aws-crt's modules for AWS IoT Core: the
 * configuration builders (mutual TLS, SigV4-signed WebSockets, custom
 * authorizers) and the credential providers and SigV4 signing they use.
 * Where aws-crt aborts the process or loses information, this package throws
 * a named error or carries the information instead.
 *
 * The root also speaks MQTT.js's dialect (`connect`, `connectAsync`,
 * `MqttClient`, `IClientOptions`, ...), so `import mqtt from 'mqtt'` becomes
 * `import mqtt from 'mqtt-napi'`. Its `MqttClient` is MQTT.js's client class;
 * aws-crt's is `mqtt.MqttClient`.
 *
 * @packageDocumentation
 */

export * from './types/crt';
export * from './types/mqtt5';
export * from './types/auth';
export * from './types/iot';
export * from './types/mqttjs';

/**
 * The whole module, so that `import mqtt from 'mqtt-napi'` works as
 * `import mqtt from 'mqtt'` does: `mqtt.connect(...)`, `mqtt.MqttClient`.
 */
export * as default from './index';
