// A client with MQTT.js's API, speaking MQTT 3.1.1 without reconnects (a
// drop must fail the run): MQTT.js itself, or mqtt-napi's MQTT.js dialect.
export function mqttjsStyleClient(mqtt) {
  return async function connect({ port, clientId }) {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
    })
    return {
      publish: (topic, payload, qos) => client.publishAsync(topic, payload, { qos }),
      subscribe: async (topic, qos, onMessage) => {
        client.on('message', (_topic, payload) => onMessage(payload))
        await client.subscribeAsync(topic, { qos })
      },
      disconnect: () => client.endAsync(),
    }
  }
}
