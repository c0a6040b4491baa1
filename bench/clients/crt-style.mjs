// The aws-crt `mqtt` API, which mqtt-napi speaks too: one adapter for both.

/**
 * What a worker drives: one small object per connection, its methods shared,
 * so idle connections measure the client, not this adapter.
 */
class CrtStyleConnection {
  constructor(connection) {
    this.connection = connection
  }

  publish(topic, payload, qos) {
    return this.connection.publish(topic, payload, qos)
  }

  subscribe(topic, qos, onMessage) {
    return this.connection.subscribe(topic, qos, (_topic, payload) => onMessage(payload))
  }

  disconnect() {
    return this.connection.disconnect()
  }
}

export function crtStyleClient(mqtt, extraConfig = {}) {
  // One MqttClient (for aws-crt: one event loop group) per process.
  const shared = new mqtt.MqttClient()
  return async function connect({ port, clientId }) {
    // Assigned, not spread: every connection's config shares one hidden class.
    const config = Object.assign(
      { client_id: clientId, host_name: '127.0.0.1', port, clean_session: true, keep_alive: 60 },
      extraConfig,
    )
    const connection = shared.new_connection(config)
    await connection.connect()
    return new CrtStyleConnection(connection)
  }
}
