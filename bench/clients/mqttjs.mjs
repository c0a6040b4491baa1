// MQTT.js 5.
import { createRequire } from 'node:module'
import { mqttjsStyleClient } from './mqttjs-style.mjs'

export const connect = mqttjsStyleClient(createRequire(import.meta.url)('mqtt'))
