// mqtt-napi as built in the checkout given to --baseline, through its MQTT.js dialect.
import { createRequire } from 'node:module'
import { mqttjsStyleClient } from './mqttjs-style.mjs'

// The coordinator's snapshot of that checkout (see run.mjs).
export const connect = mqttjsStyleClient(createRequire(import.meta.url)(process.env.BENCH_MQTT_NAPI_BASELINE))
