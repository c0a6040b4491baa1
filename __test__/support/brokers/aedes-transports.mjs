// node aedes-transports.mjs '<json spec>'
// One aedes broker behind several listeners on 127.0.0.1, each given as
//   { name, type: 'tcp' | 'tls' | 'ws' | 'wss', port, tls?: { cert, key, ca?, requestCert?, maxVersion?, ALPNProtocols? } }
// (cert/key/ca are file paths). TLS listeners are Node's tls.createServer;
// WebSocket listeners are aedes-server-factory's http/https + ws servers.
// Prints "listening" when every listener is up, then one line per event:
//   event {"listener":"tls","type":"alpn","protocol":"x-amzn-mqtt-ca"|false,"servername":...}
//   event {"listener":"ws","type":"upgrade","url":"/mqtt","headers":{...},"rawHeaders":[...]}
//   event {"listener":"tls","type":"tlsClientError","message":"..."}
// Exits when its stdin closes.
import fs from 'node:fs'
import net from 'node:net'
import { stopWhenStdinCloses } from './aedes-lifetime.mjs'
import tls from 'node:tls'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createServer } = require('aedes-server-factory')
const spec = JSON.parse(process.argv[2])

const { Aedes } = await import('aedes')
const broker = await Aedes.createBroker()

const emit = (obj) => process.stdout.write(`event ${JSON.stringify(obj)}\n`)

function tlsOptions(t) {
  const options = { cert: fs.readFileSync(t.cert), key: fs.readFileSync(t.key) }
  if (t.ca) options.ca = fs.readFileSync(t.ca)
  if (t.requestCert) {
    options.requestCert = true
    options.rejectUnauthorized = true
  }
  if (t.maxVersion) options.maxVersion = t.maxVersion
  if (t.ALPNProtocols) options.ALPNProtocols = t.ALPNProtocols
  return options
}

const sockets = new Set()
const track = (socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  socket.on('error', () => socket.destroy())
}

const servers = []
for (const l of spec.listeners) {
  let server
  if (l.type === 'tcp') {
    server = net.createServer((socket) => broker.handle(socket))
  } else if (l.type === 'tls') {
    server = tls.createServer(tlsOptions(l.tls), (socket) => {
      emit({ listener: l.name, type: 'alpn', protocol: socket.alpnProtocol, servername: socket.servername ?? null })
      broker.handle(socket)
    })
    server.on('tlsClientError', (error) => emit({ listener: l.name, type: 'tlsClientError', message: error.message }))
  } else if (l.type === 'ws' || l.type === 'wss') {
    server = createServer(broker, l.type === 'wss' ? { ws: true, https: tlsOptions(l.tls) } : { ws: true })
    server.prependListener('upgrade', (req) => {
      emit({ listener: l.name, type: 'upgrade', url: req.url, headers: req.headers, rawHeaders: req.rawHeaders })
    })
    if (l.type === 'wss') {
      server.on('tlsClientError', (error) => emit({ listener: l.name, type: 'tlsClientError', message: error.message }))
    }
  } else {
    throw new Error(`unknown listener type ${l.type}`)
  }
  server.on('connection', track)
  servers.push(server)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(l.port, '127.0.0.1', resolve)
  })
}
process.stdout.write('listening\n')

stopWhenStdinCloses(broker, servers, sockets)
