'use strict'
// The engine's packets (PacketFields in binding.d.ts) as MQTT.js's
// `packetsend` / `packetreceive` events carry them: mqtt-packet's shapes.
const { fromNative } = require('./properties')

/** MQTT.js's packet object for `fields`, of a link at MQTT 5 if `v5`. */
function mqttjsPacket(fields, v5) {
  const packet = { cmd: fields.kind }
  if (fields.packetId != null) packet.messageId = fields.packetId
  if (v5 && fields.reasonCode != null) packet.reasonCode = fields.reasonCode
  if (fields.properties != null) packet.properties = fromNative(fields.properties)
  switch (fields.kind) {
    case 'connect':
      Object.assign(packet, {
        protocolId: 'MQTT',
        protocolVersion: fields.protocolVersion,
        clean: fields.cleanSession,
        clientId: fields.clientId,
        keepalive: fields.keepAlive,
      })
      if (fields.username != null) packet.username = fields.username
      break
    case 'connack':
      packet.sessionPresent = fields.sessionPresent
      // MQTT 5 calls it a reason code.
      packet[v5 ? 'reasonCode' : 'returnCode'] = fields.returnCode
      break
    case 'publish':
      Object.assign(packet, { topic: fields.topic, payload: fields.payload, qos: fields.qos, retain: fields.retain, dup: fields.dup })
      break
    case 'subscribe':
      packet.subscriptions = fields.filters.map((topic, i) => ({ topic, qos: fields.codes[i] }))
      break
    case 'suback':
    case 'unsuback':
      if (fields.codes?.length) packet.granted = fields.codes
      break
    case 'unsubscribe':
      packet.unsubscriptions = fields.filters
      break
  }
  return packet
}

module.exports = { mqttjsPacket }
