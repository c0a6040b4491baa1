'use strict'
// The engine's packets (PacketFields in binding.d.ts) as MQTT.js's
// `packetsend` / `packetreceive` events carry them: mqtt-packet's shapes.

/** MQTT.js's packet object for `fields`. */
function mqttjsPacket(fields) {
  const packet = { cmd: fields.kind }
  if (fields.packetId != null) packet.messageId = fields.packetId
  switch (fields.kind) {
    case 'connect':
      Object.assign(packet, {
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: fields.cleanSession,
        clientId: fields.clientId,
        keepalive: fields.keepAlive,
      })
      if (fields.username != null) packet.username = fields.username
      break
    case 'connack':
      Object.assign(packet, { sessionPresent: fields.sessionPresent, returnCode: fields.returnCode })
      break
    case 'publish':
      Object.assign(packet, { topic: fields.topic, payload: fields.payload, qos: fields.qos, retain: fields.retain, dup: fields.dup })
      break
    case 'subscribe':
      packet.subscriptions = fields.filters.map((topic, i) => ({ topic, qos: fields.codes[i] }))
      break
    case 'suback':
      packet.granted = fields.codes
      break
    case 'unsubscribe':
      packet.unsubscriptions = fields.filters
      break
  }
  return packet
}

module.exports = { mqttjsPacket }
