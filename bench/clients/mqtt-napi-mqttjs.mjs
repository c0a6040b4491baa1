// mqtt-napi through its MQTT.js dialect: MQTT.js's adapter with the other import.
import { createRequire } from 'node:module'
import { mqttjsStyleClient } from './mqttjs-style.mjs'

// The coordinator's snapshot of the package (see run.mjs), else this checkout.
export const connect = mqttjsStyleClient(createRequire(import.meta.url)(process.env.BENCH_MQTT_NAPI ?? '../..'))
