// aws-crt 1.33's MQTT 5 client (Mqtt5Client).
import { createRequire } from 'node:module'
import { mqtt5StyleClient } from './mqtt5-style.mjs'

const { mqtt5 } = createRequire(import.meta.url)('aws-crt')

// Else it appends SDK metrics to the CONNECT username.
export const connect = mqtt5StyleClient(mqtt5, { disableMetrics: true })
