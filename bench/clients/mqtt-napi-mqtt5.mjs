// mqtt-napi through its aws-crt `mqtt5` API (Mqtt5Client).
import { createRequire } from 'node:module'
import { mqtt5StyleClient } from './mqtt5-style.mjs'

// The coordinator's snapshot of the package (see run.mjs), else this checkout.
const { mqtt5 } = createRequire(import.meta.url)(process.env.BENCH_MQTT_NAPI ?? '../..')

export const connect = mqtt5StyleClient(mqtt5)
