/**
 * Test-side pcapng reading, independent of src/capture: blocks (little-endian sections, both length
 * fields checked), and for Ethernet/IPv4/TCP packets the TLS ClientHello random / ServerHello.
 */
export interface PcapngBlock {
  type: number;
  body: Buffer;
}

export const BLOCK = { SHB: 0x0a0d0d0a, IDB: 0x00000001, EPB: 0x00000006, DSB: 0x0000000a } as const;
export const TLS_KEY_LOG = 0x544c534b; // "TLSK"

export function pcapngBlocks(buf: Buffer): PcapngBlock[] {
  const out: PcapngBlock[] = [];
  let off = 0;
  while (off < buf.length) {
    if (off + 12 > buf.length) throw new Error(`truncated block header at ${off}`);
    const type = buf.readUInt32LE(off);
    const len = buf.readUInt32LE(off + 4);
    if (len < 12 || len % 4 !== 0 || off + len > buf.length) throw new Error(`bad block length ${len} at ${off}`);
    if (buf.readUInt32LE(off + len - 4) !== len) throw new Error(`trailing length mismatch at ${off}`);
    out.push({ type, body: buf.subarray(off + 8, off + len - 4) });
    off += len;
  }
  return out;
}

/** The key log text of a DSB body (secrets type TLSK), or null for another secrets type. */
export function dsbText(b: PcapngBlock): string | null {
  if (b.body.readUInt32LE(0) !== TLS_KEY_LOG) return null;
  const len = b.body.readUInt32LE(4);
  return b.body.subarray(8, 8 + len).toString('latin1');
}

/** EPB: captured bytes and the 64-bit timestamp (units of the interface's resolution). */
export function epbPacket(b: PcapngBlock): { data: Buffer; ts: bigint; origLen: number } {
  const capLen = b.body.readUInt32LE(12);
  const ts = (BigInt(b.body.readUInt32LE(4)) << 32n) | BigInt(b.body.readUInt32LE(8));
  return { data: b.body.subarray(20, 20 + capLen), ts, origLen: b.body.readUInt32LE(16) };
}

export interface TlsHello {
  srcPort: number;
  dstPort: number;
  /** 1 = ClientHello, 2 = ServerHello */
  type: number;
  random: string;
}

/** A TCP segment (Ethernet, IPv4) starting with a TLS handshake record holding a Client/ServerHello. */
export function tlsHello(frame: Buffer): TlsHello | null {
  if (frame.length < 14 + 20 || frame.readUInt16BE(12) !== 0x0800) return null;
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[9] !== 6 || ip.length < ihl + 20) return null;
  const tcp = ip.subarray(ihl, ip.readUInt16BE(2));
  const doff = (tcp[12]! >> 4) * 4;
  const p = tcp.subarray(doff);
  if (p.length < 5 + 4 + 2 + 32 || p[0] !== 0x16 || (p[5] !== 1 && p[5] !== 2)) return null;
  return { srcPort: tcp.readUInt16BE(0), dstPort: tcp.readUInt16BE(2), type: p[5]!, random: p.subarray(11, 43).toString('hex') };
}
