/**
 * Small captures for the TUI end-to-end test, made from committed captures or from scratch:
 * - `outOfOrder`: connection A's first packet, then all of B, then copies of B's last packet, then the rest of A,
 *   so B (tcp.stream 1) finishes before A (tcp.stream 0) and reaches the TUI first;
 * - `udpOnly`: N Ethernet/IPv4/UDP datagrams to port 443 (what a QUIC-only capture looks like to a
 *   TCP tool), no TCP at all.
 * Classic little-endian microsecond pcap (the committed captures' format, link type 1).
 */

interface Rec {
  data: Buffer;
}

function records(pcap: Buffer): { header: Buffer; recs: Rec[] } {
  if (pcap.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('expected a little-endian microsecond pcap');
  const recs: Rec[] = [];
  let off = 24;
  while (off + 16 <= pcap.length) {
    const incl = pcap.readUInt32LE(off + 8);
    recs.push({ data: pcap.subarray(off, off + 16 + incl) });
    off += 16 + incl;
  }
  return { header: pcap.subarray(0, 24), recs };
}

/** Records with fresh, increasing timestamps (1 ms apart from 1,700,000,000 s). */
function write(header: Buffer, recs: Buffer[]): Buffer {
  const out = [Buffer.from(header)];
  recs.forEach((r, i) => {
    const copy = Buffer.from(r);
    copy.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 0);
    copy.writeUInt32LE((i % 1000) * 1000, 4);
    out.push(copy);
  });
  return Buffer.concat(out);
}

/** A's first packet, all of B, `filler` copies of B's last packet (1 ms apart: B's close linger
 * ends in capture time, so B reaches the TUI several screen renders before A), then the rest of A. */
export function outOfOrder(a: Buffer, b: Buffer, filler = 0): Buffer {
  const A = records(a);
  const B = records(b);
  const last = B.recs[B.recs.length - 1];
  const recs = [A.recs[0], ...B.recs, ...Array.from({ length: filler }, () => last), ...A.recs.slice(1)].map((r) => r.data);
  return write(A.header, recs);
}

export function udpOnly(n: number): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const recs: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const payload = Buffer.alloc(32, 0x40);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(50000 + (i % 7), 0);
    udp.writeUInt16BE(443, 2);
    udp.writeUInt16BE(8 + payload.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    let sum = 0;
    for (let j = 0; j < 20; j += 2) sum += ip.readUInt16BE(j);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const eth = Buffer.from('000000000000000000000000' + '0800', 'hex');
    const frame = Buffer.concat([eth, ip, udp, payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    recs.push(Buffer.concat([rec, frame]));
  }
  return write(header, recs);
}
