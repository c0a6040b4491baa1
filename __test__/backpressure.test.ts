/**
 * Backpressure: when JavaScript takes messages slower than they arrive, the
 * native side stops reading the socket past its receive buffer, so memory
 * stays bounded and TCP flow control holds the sender back. A raw TCP
 * server floods 1,000,000 QoS 0 messages of 1 KiB (1 GiB in all) as fast as
 * the socket takes them at a consumer in a child process whose event loop
 * stalls regularly; its peak RSS must stay far below what it received, and
 * far below what the same consumer reaches with an unbounded buffer.
 */
import { spawn } from 'child_process'
import net from 'net'
import path from 'path'

const MESSAGES = 1_000_000
const PAYLOAD_BYTES = 1024
const CHUNK_MESSAGES = 1000

/** PUBLISH packets (QoS 0, topic 'flood') for `CHUNK_MESSAGES` messages; each payload starts with its sequence number. */
function publishChunk(first: number): Buffer {
  const topic = Buffer.from('flood')
  const remaining = 2 + topic.length + PAYLOAD_BYTES
  const packetBytes = 1 + 2 + remaining // remaining length < 16,384 fits in 2 bytes
  const chunk = Buffer.alloc(packetBytes * CHUNK_MESSAGES)
  for (let i = 0; i < CHUNK_MESSAGES; i++) {
    let at = i * packetBytes
    chunk[at++] = 0x30
    chunk[at++] = (remaining & 0x7f) | 0x80
    chunk[at++] = remaining >> 7
    at = chunk.writeUInt16BE(topic.length, at)
    at += topic.copy(chunk, at)
    chunk.writeUInt32BE(first + i, at)
  }
  return chunk
}

/** Accepts one client, answers its CONNECT with a CONNACK, then floods it, waiting whenever the socket is full. */
function startFloodServer(): Promise<{ port: number; stop: () => void }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', async () => {
      socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]))
      for (let first = 0; first < MESSAGES && !socket.destroyed; first += CHUNK_MESSAGES) {
        if (!socket.write(publishChunk(first))) await new Promise((resolve) => socket.once('drain', resolve))
      }
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      resolve({ port, stop: () => server.close() })
    })
  })
}

function runConsumer(port: number, receiveBufferBytes = 0): Promise<{ received: number; inOrder: boolean; peakRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const script = path.join(__dirname, 'support', 'flood-consumer.js')
    const child = spawn(process.execPath, [script, String(port), String(MESSAGES), String(receiveBufferBytes)])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => {
      if (code !== 0 || !stdout) reject(new Error(`consumer exited with ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

test('a flood of 1 GiB at a slow consumer: every message arrives in order and RSS stays bounded', async () => {
  const server = await startFloodServer()
  try {
    const bounded = await runConsumer(server.port)
    expect(bounded).toMatchObject({ received: MESSAGES, inOrder: true })
    // Node alone is ~45 MiB; the 4 MiB receive buffer, the batch JavaScript
    // is working through and garbage not yet collected make up the rest.
    expect(bounded.peakRssMiB).toBeLessThan(250)
    // The same flood with a receive buffer of 1 GiB: the native side reads
    // on while JavaScript stalls, and memory follows what it reads.
    const unbounded = await runConsumer(server.port, 2 ** 30)
    expect(unbounded).toMatchObject({ received: MESSAGES, inOrder: true })
    expect(unbounded.peakRssMiB).toBeGreaterThan(bounded.peakRssMiB + 200)
  } finally {
    server.stop()
  }
}, 120000)
