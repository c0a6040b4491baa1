import mqttNapi from './index.js'

export const {
  mqtt,
  io,
  http,
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
