// The aws-crt `mqtt` API, which mqtt-napi speaks too: one adapter for both.
export function crtStyleClient(mqtt, extraConfig = {}) {
  // One MqttClient (for aws-crt: one event loop group) per process.
  const shared = new mqtt.MqttClient()
  return async function connect({ port, clientId }) {
    const connection = shared.new_connection({
      client_id: clientId,
      host_name: '127.0.0.1',
      port,
      clean_session: true,
      keep_alive: 60,
      ...extraConfig,
    })
    await connection.connect()
    return {
      publish: (topic, payload, qos) => connection.publish(topic, payload, qos),
      subscribe: (topic, qos, onMessage) =>
        connection.subscribe(topic, qos, (_topic, payload) => onMessage(payload)),
      disconnect: () => connection.disconnect(),
    }
  }
}
