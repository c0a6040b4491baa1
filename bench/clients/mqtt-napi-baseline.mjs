// mqtt-napi as built in the checkout given to --baseline, through its aws-crt style API.
import { createRequire } from 'node:module'
import { crtStyleClient } from './crt-style.mjs'

// The coordinator's snapshot of that checkout (see run.mjs).
const { mqtt } = createRequire(import.meta.url)(process.env.BENCH_MQTT_NAPI_BASELINE)

export const connect = crtStyleClient(mqtt)
