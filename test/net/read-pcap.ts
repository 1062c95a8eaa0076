/** Minimal classic-pcap reader for tests (the capture stage is separate; tests must not need it). */
import { readFileSync } from 'node:fs';

export interface PcapFrame {
  data: Uint8Array;
  originalLength: number;
}

export function readPcap(path: string): { linkType: number; frames: PcapFrame[] } {
  const buf = readFileSync(path);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${path}: not a pcap`);
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const frames: PcapFrame[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const incl = u32(o + 8);
    frames.push({ data: new Uint8Array(buf.buffer, buf.byteOffset + o + 16, incl), originalLength: u32(o + 12) });
    o += 16 + incl;
  }
  return { linkType: u32(20) & 0x0fffffff, frames };
}
