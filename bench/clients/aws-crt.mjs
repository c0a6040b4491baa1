// aws-crt 1.33's MQTT 3.1.1 client.
import { createRequire } from 'node:module'
import { crtStyleClient } from './crt-style.mjs'

const { mqtt, io } = createRequire(import.meta.url)('aws-crt')

export const connect = crtStyleClient(mqtt, {
  socket_options: new io.SocketOptions(),
  // Else it appends SDK metrics to the CONNECT username.
  disable_metrics: true,
})
