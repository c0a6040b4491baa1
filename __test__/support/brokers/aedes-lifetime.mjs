// The end of a test aedes process: when its parent closes stdin (or sends
// SIGTERM), close every client socket, the servers and the broker, and exit.
export function stopWhenStdinCloses(broker, servers, sockets) {
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    for (const socket of sockets) socket.destroy()
    for (const server of servers) server.close()
    broker.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
}
