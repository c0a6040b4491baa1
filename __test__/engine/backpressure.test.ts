/**
 * Backpressure: when JavaScript takes messages slower than they arrive, the
 * native side stops reading the socket past its receive buffer, so memory
 * stays bounded and TCP flow control holds the sender back. A raw TCP
 * server floods 1,000,000 QoS 0 messages of 1 KiB (1 GiB in all) as fast as
 * the socket takes them at a consumer in a child process whose event loop
 * stalls regularly; its peak RSS must stay far below what it received, and
 * far below what the same consumer reaches with an unbounded buffer. The
 * flood comes from a worker thread (support/hostile-broker), so it goes on
 * whatever the test's own thread does.
 */
import { spawn } from 'child_process'
import path from 'path'
import { startFloodBroker } from '../support/brokers/hostile-broker'

const MESSAGES = 1_000_000
const PAYLOAD_BYTES = 1024

function runConsumer(port: number, receiveBufferBytes = 0): Promise<{ received: number; inOrder: boolean; peakRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const script = path.join(__dirname, '..', 'support', 'scripts', 'flood-consumer.js')
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
  const server = await startFloodBroker(MESSAGES, 'flood', PAYLOAD_BYTES)
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
    await server.close()
  }
}, 120000)
