// Loads the package through its ESM entry point and prints what it got.
import def, { mqtt, io, http, CrtError, connect, connectAsync, MqttClient, Client, ErrorWithReasonCode } from '../../../index.mjs'

process.stdout.write(
  JSON.stringify({
    mqtt: typeof mqtt,
    io: typeof io,
    http: typeof http,
    CrtError: typeof CrtError,
    default: typeof def,
    defaultMqttSame: def.mqtt === mqtt,
    MqttClient: typeof mqtt.MqttClient,
    QoS1: mqtt.QoS.AtLeastOnce,
    dialect: [connect, connectAsync, MqttClient, Client, ErrorWithReasonCode].map((f) => typeof f),
    defaultConnectSame: def.connect === connect && def.default === def,
  }) + '\n',
)
