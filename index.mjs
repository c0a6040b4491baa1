import mqttNapi from './index.js'

export const {
  mqtt,
  mqtt5,
  io,
  http,
  auth,
  iot,
  CrtError,
  connect,
  connectAsync,
  MqttClient,
  Client,
  ErrorWithReasonCode,
  ErrorWithSubackPacket,
  DefaultMessageIdProvider,
  UniqueMessageIdProvider,
} = mqttNapi
export default mqttNapi
