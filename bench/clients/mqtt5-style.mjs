// aws-crt's `mqtt5` API (Mqtt5Client), which mqtt-napi speaks too: one adapter
// for both. MQTT 5 always; with `userProperties` user properties on every publish.
export function mqtt5StyleClient(mqtt5, extraConfig = {}) {
  return async function connect({ port, clientId, userProperties = 0 }) {
    const client = new mqtt5.Mqtt5Client({
      hostName: '127.0.0.1',
      port,
      connectProperties: { clientId, keepAliveIntervalSeconds: 60 },
      ...extraConfig,
    })
    const connected = new Promise((resolve, reject) => {
      client.once('connectionSuccess', resolve)
      // A failed attempt fails the run: no reconnects in a benchmark.
      client.once('connectionFailure', ({ error }) => reject(error))
    })
    client.start()
    await connected
    const properties = Array.from({ length: userProperties }, (_, i) => ({ name: `name${i}`, value: `value${i}` }))
    const userPropertiesField = userProperties ? { userProperties: properties } : {}
    let onMessage
    client.on('messageReceived', ({ message }) => onMessage?.(message.payload))
    return {
      publish: (topicName, payload, qos) => client.publish({ topicName, payload, qos, ...userPropertiesField }),
      subscribe: async (topicFilter, qos, handler) => {
        onMessage = handler
        await client.subscribe({ subscriptions: [{ topicFilter, qos }] })
      },
      disconnect: () =>
        new Promise((resolve) => {
          client.once('stopped', () => {
            client.close()
            resolve()
          })
          client.stop()
        }),
    }
  }
}
