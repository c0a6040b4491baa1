// aedes in its own process, so that its CPU is measured apart from the clients.
// Usage: node aedes-broker.mjs <port>; exits when stdin closes.
import { createServer } from 'node:net'

const { Aedes } = await import('aedes')
const aedes = await Aedes.createBroker()
const server = createServer(aedes.handle)
server.listen(Number(process.argv[2]), '127.0.0.1')
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
