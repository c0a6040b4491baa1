import mqttNapi from './index.js'

export const { mqtt, io, http, CrtError } = mqttNapi
export default mqttNapi
