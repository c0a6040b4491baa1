// node aedes-broker.mjs <port | unix socket path> [user] [password]
// An aedes broker on 127.0.0.1:<port> (or on a Unix domain socket). With user and password, a client that
// sends a user name must send exactly that pair (else CONNACK return code 4);
// clients without a user name are still let in. With REFUSE_SUBSCRIPTIONS_UNDER
// in the environment, a filter under that prefix gets SUBACK 0x80. Prints
// "listening <port>" when ready and exits when its stdin closes.
import net from 'node:net'
import { stopWhenStdinCloses } from './aedes-lifetime.mjs'

const [portArg, user, password] = process.argv.slice(2)
const isPath = portArg !== undefined && portArg.includes('/')
const port = isPath ? portArg : Number(portArg)
if (!isPath && (!Number.isInteger(port) || port <= 0)) {
  process.stderr.write(`usage: aedes-broker.mjs <port> [user] [password]\n`)
  process.exit(2)
}

const { Aedes } = await import('aedes')
const broker = await Aedes.createBroker()

if (user !== undefined) {
  broker.authenticate = (client, username, pass, callback) => {
    if (username === undefined || username === null) return callback(null, true)
    if (username === user && pass !== undefined && pass !== null && pass.toString() === (password ?? '')) {
      return callback(null, true)
    }
    const error = new Error('bad user name or password')
    error.returnCode = 4
    callback(error, false)
  }
}

const refusedPrefix = process.env.REFUSE_SUBSCRIPTIONS_UNDER
if (refusedPrefix) {
  // A null subscription is aedes' way to answer 0x80 for that filter.
  broker.authorizeSubscribe = (client, sub, callback) =>
    callback(null, sub.topic.startsWith(`${refusedPrefix}/`) ? null : sub)
}

const sockets = new Set()
const server = net.createServer((socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  broker.handle(socket)
})

const ready = () => process.stdout.write(`listening ${port}\n`)
if (isPath) server.listen(port, ready)
else server.listen(port, '127.0.0.1', ready)

stopWhenStdinCloses(broker, [server], sockets)
