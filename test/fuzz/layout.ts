/**
 * Where each record / block of a capture file lies (pcap records, pcapng blocks), read here from
 * the file formats, so corruption tests can tell which frames a cut or a bit flip leaves intact.
 */

export interface Unit {
  /** Byte offset of the record / block. */
  start: number;
  end: number;
  /** 1-based frame number when the unit carries a packet. */
  frame?: number;
  /** A pcapng Decryption Secrets Block. */
  secrets?: boolean;
}

export interface Layout {
  kind: 'pcap' | 'pcapng';
  /** Bytes of the file header (pcap) or 0 (pcapng: the SHB is a unit). */
  header: number;
  units: Unit[];
}

export function layout(b: Uint8Array): Layout {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, false) === 0x0a0d0d0a) {
    const units: Unit[] = [];
    let le = true;
    let frame = 0;
    for (let o = 0; o + 12 <= b.length; ) {
      const typeBe = dv.getUint32(o, false);
      if (typeBe === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      const type = dv.getUint32(o, le);
      const len = dv.getUint32(o + 4, le);
      if (len < 12 || o + len > b.length) break;
      const u: Unit = { start: o, end: o + len };
      if (type === 6 || type === 2 || type === 3) u.frame = ++frame;
      if (type === 0x0a) u.secrets = true;
      units.push(u);
      o += len;
    }
    return { kind: 'pcapng', header: 0, units };
  }
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const units: Unit[] = [];
  let frame = 0;
  for (let o = 24; o + 16 <= b.length; ) {
    const cap = dv.getUint32(o + 8, le);
    if (o + 16 + cap > b.length) break;
    units.push({ start: o, end: o + 16 + cap, frame: ++frame });
    o += 16 + cap;
  }
  return { kind: 'pcap', header: 24, units };
}

/** The unit containing byte `offset`, or undefined (file header). */
export function unitAt(l: Layout, offset: number): Unit | undefined {
  return l.units.find((u) => u.start <= offset && offset < u.end);
}

/** Frames whose record / block lies entirely before `offset`. */
export function framesBefore(l: Layout, offset: number): number {
  let n = 0;
  for (const u of l.units) if (u.frame !== undefined && u.end <= offset) n = u.frame;
  return n;
}
