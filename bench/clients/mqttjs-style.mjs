// A client with MQTT.js's API, speaking MQTT 3.1.1 (or 5, with `userProperties`
// user properties on every publish) without reconnects (a drop must fail the
// run): MQTT.js itself, or mqtt-napi's MQTT.js dialect.

/**
 * What a worker drives: one small object per connection, its methods shared,
 * so idle connections measure the client, not this adapter.
 */
class MqttjsStyleConnection {
  constructor(client, properties) {
    this.client = client
    this.properties = properties
  }

  publish(topic, payload, qos) {
    return this.client.publishAsync(topic, payload, { qos, properties: this.properties })
  }

  async subscribe(topic, qos, onMessage) {
    this.client.on('message', (_topic, payload) => onMessage(payload))
    await this.client.subscribeAsync(topic, { qos })
  }

  disconnect() {
    return this.client.endAsync()
  }
}

export function mqttjsStyleClient(mqtt) {
  return async function connect({ port, clientId, version = 4, userProperties = 0 }) {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId,
      protocolVersion: version,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
    })
    const properties = userProperties
      ? { userProperties: Object.fromEntries(Array.from({ length: userProperties }, (_, i) => [`name${i}`, `value${i}`])) }
      : undefined
    return new MqttjsStyleConnection(client, properties)
  }
}
