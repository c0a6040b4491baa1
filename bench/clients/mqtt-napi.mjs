// mqtt-napi through its aws-crt style API.
import { createRequire } from 'node:module'
import { crtStyleClient } from './crt-style.mjs'

// The coordinator's snapshot of the package (see run.mjs), else this checkout.
const { mqtt } = createRequire(import.meta.url)(process.env.BENCH_MQTT_NAPI ?? '../..')

export const connect = crtStyleClient(mqtt)
