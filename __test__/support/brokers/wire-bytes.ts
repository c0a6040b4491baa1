/**
 * Bytes of MQTT's wire form written by hand, for the scripted brokers that
 * send what mqtt-packet would refuse to generate (malformed lengths, broken
 * property lists), and the topic matching their echo uses.
 */

/** A variable byte integer (any value; nothing polices the 4-byte limit). */
export function varint(value: number): Buffer {
  const bytes: number[] = []
  do {
    let byte = value % 128
    value = Math.floor(value / 128)
    if (value > 0) byte |= 0x80
    bytes.push(byte)
  } while (value > 0)
  return Buffer.from(bytes)
}

export function u16(value: number): Buffer {
  const out = Buffer.alloc(2)
  out.writeUInt16BE(value)
  return out
}

export function u32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

/** A length-prefixed string or binary field from raw bytes (which need not be UTF-8). */
export function str(text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  return Buffer.concat([u16(bytes.length), bytes])
}

/** A packet from its first byte and body, with a correct remaining length. */
export function frame(firstByte: number, ...body: Buffer[]): Buffer {
  const joined = Buffer.concat(body)
  return Buffer.concat([Buffer.from([firstByte]), varint(joined.length), joined])
}

/** MQTT topic-filter matching (`+`, `#`). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}
