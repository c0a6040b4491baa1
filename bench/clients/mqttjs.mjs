// MQTT.js 5 speaking MQTT 3.1.1, without reconnects (a drop must fail the run).
import { createRequire } from 'node:module'

const mqtt = createRequire(import.meta.url)('mqtt')

export async function connect({ port, clientId }) {
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
