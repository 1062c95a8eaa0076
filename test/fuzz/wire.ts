/**
 * Byte builders for crafted captures, written from the format specifications (pcap: libpcap file
 * format; Ethernet II / IPv4 RFC 791 / TCP RFC 9293; TLS RFC 5246 §7.4 and RFC 6066 §3), not from
 * src/. Used by the fuzz, memory and security tests.
 */

const u8 = (...v: number[]) => Uint8Array.from(v);
export const u16 = (v: number) => u8((v >> 8) & 0xff, v & 0xff);
export const u24 = (v: number) => u8((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A vector with a big-endian length prefix of `width` bytes. */
export function vec(width: 1 | 2 | 3, body: Uint8Array): Uint8Array {
  const len = width === 1 ? u8(body.length) : width === 2 ? u16(body.length) : u24(body.length);
  return cat(len, body);
}

// ---------- pcap ----------

export interface PcapPacket {
  data: Uint8Array;
  sec?: number;
  usec?: number;
}

/** Little-endian microsecond pcap, Ethernet link type. */
export function pcapFile(packets: PcapPacket[], snaplen = 262144): Uint8Array {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(snaplen, 16);
  head.writeUInt32LE(1, 20);
  const recs = packets.map((p, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(p.sec ?? 1_700_000_000, 0);
    h.writeUInt32LE(p.usec ?? i * 1000, 4);
    h.writeUInt32LE(p.data.length, 8);
    h.writeUInt32LE(p.data.length, 12);
    return cat(h, p.data);
  });
  return cat(head, ...recs);
}

// ---------- pcapng (little-endian; draft-ietf-opsawg-pcapng) ----------

function le32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

function pad4(b: Uint8Array): Uint8Array {
  return b.length % 4 === 0 ? b : cat(b, new Uint8Array(4 - (b.length % 4)));
}

/** A block: type, total length, body (padded), total length. */
export function pcapngBlock(type: number, body: Uint8Array): Uint8Array {
  const padded = pad4(body);
  return cat(le32(type), le32(padded.length + 12), padded, le32(padded.length + 12));
}

export function pcapngShb(): Uint8Array {
  return pcapngBlock(0x0a0d0d0a, cat(le32(0x1a2b3c4d), Uint8Array.of(1, 0, 0, 0), new Uint8Array(8).fill(0xff)));
}

export function pcapngIdb(linkType = 1): Uint8Array {
  return pcapngBlock(1, cat(Uint8Array.of(linkType & 0xff, linkType >> 8, 0, 0), le32(0)));
}

export function pcapngEpb(data: Uint8Array, usec = 0): Uint8Array {
  return pcapngBlock(6, cat(le32(0), le32(0), le32(usec), le32(data.length), le32(data.length), pad4(data)));
}

/** Decryption Secrets Block carrying NSS key log text ("TLSK"). */
export function pcapngDsb(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  return pcapngBlock(0x0a, cat(le32(0x544c534b), le32(data.length), pad4(data)));
}

// ---------- Ethernet / IPv4 / TCP ----------

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export interface Endpoint {
  ip: [number, number, number, number];
  port: number;
}

/** Ethernet II + IPv4 (no options, checksum 0) + TCP (no options) frame. */
export function tcpFrame(src: Endpoint, dst: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const eth = cat(u8(2, 0, 0, 0, 0, 2), u8(2, 0, 0, 0, 0, 1), u16(0x0800));
  const tcp = cat(
    u16(src.port), u16(dst.port), u16(seq >>> 16), u16(seq & 0xffff), u16(ack >>> 16), u16(ack & 0xffff),
    u8(5 << 4, flags), u16(65535), u16(0), u16(0), payload,
  );
  const ip = cat(u8(0x45, 0), u16(20 + tcp.length), u16(0), u16(0x4000), u8(64, 6), u16(0), u8(...src.ip), u8(...dst.ip));
  return cat(eth, ip, tcp);
}

/** One TCP connection: emits frames with consistent sequence numbers. */
export class Flow {
  readonly frames: Uint8Array[] = [];
  private cseq: number;
  private sseq: number;

  constructor(readonly client: Endpoint, readonly server: Endpoint, isn = 1000) {
    this.cseq = isn;
    this.sseq = isn * 7 + 13;
  }

  handshake(): this {
    this.frames.push(tcpFrame(this.client, this.server, this.cseq, 0, TCP.SYN));
    this.frames.push(tcpFrame(this.server, this.client, this.sseq, this.cseq + 1, TCP.SYN | TCP.ACK));
    this.cseq++;
    this.sseq++;
    this.frames.push(tcpFrame(this.client, this.server, this.cseq, this.sseq, TCP.ACK));
    return this;
  }

  /** Sends `bytes` from one side in segments of at most `mss` bytes. */
  send(fromClient: boolean, bytes: Uint8Array, mss = 1400): this {
    for (let o = 0; o < bytes.length; o += mss) {
      const piece = bytes.subarray(o, Math.min(bytes.length, o + mss));
      if (fromClient) {
        this.frames.push(tcpFrame(this.client, this.server, this.cseq, this.sseq, TCP.ACK | TCP.PSH, piece));
        this.cseq += piece.length;
      } else {
        this.frames.push(tcpFrame(this.server, this.client, this.sseq, this.cseq, TCP.ACK | TCP.PSH, piece));
        this.sseq += piece.length;
      }
    }
    return this;
  }

  /** A segment `skip` bytes ahead of the next expected one (out of order: never filled). */
  sendAhead(fromClient: boolean, skip: number, bytes: Uint8Array): this {
    const [src, dst, seq, ack] = fromClient ? [this.client, this.server, this.cseq, this.sseq] : [this.server, this.client, this.sseq, this.cseq];
    this.frames.push(tcpFrame(src, dst, (seq + skip) >>> 0, ack, TCP.ACK | TCP.PSH, bytes));
    return this;
  }

  close(): this {
    this.frames.push(tcpFrame(this.client, this.server, this.cseq, this.sseq, TCP.FIN | TCP.ACK));
    this.frames.push(tcpFrame(this.server, this.client, this.sseq, this.cseq + 1, TCP.FIN | TCP.ACK));
    this.cseq++;
    this.sseq++;
    this.frames.push(tcpFrame(this.client, this.server, this.cseq, this.sseq, TCP.ACK));
    return this;
  }
}

// ---------- TLS ----------

export function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return cat(u8(type), u16(version), u16(body.length), body);
}

export function handshake(type: number, body: Uint8Array): Uint8Array {
  return cat(u8(type), u24(body.length), body);
}

function extension(type: number, body: Uint8Array): Uint8Array {
  return cat(u16(type), vec(2, body));
}

export interface HelloOptions {
  /** Raw server_name bytes (host_name type), exactly as put on the wire. */
  sni?: Uint8Array;
  /** Raw ALPN protocol names. */
  alpn?: Uint8Array[];
  random?: Uint8Array;
}

/** TLS 1.2 ClientHello body offering ECDHE-RSA-AES128-GCM-SHA256. */
export function clientHello(o: HelloOptions = {}): Uint8Array {
  const exts: Uint8Array[] = [];
  if (o.sni) exts.push(extension(0, vec(2, cat(u8(0), vec(2, o.sni)))));
  if (o.alpn) exts.push(extension(16, vec(2, cat(...o.alpn.map((p) => vec(1, p))))));
  exts.push(extension(13, vec(2, cat(u16(0x0401), u16(0x0804))))); // signature_algorithms
  const random = o.random ?? new Uint8Array(32).fill(0x11);
  return cat(u16(0x0303), random, vec(1, new Uint8Array(0)), vec(2, u16(0xc02f)), vec(1, u8(0)), vec(2, cat(...exts)));
}

export function serverHello(suite = 0xc02f): Uint8Array {
  return cat(u16(0x0303), new Uint8Array(32).fill(0x22), vec(1, new Uint8Array(0)), u16(suite), u8(0), vec(2, new Uint8Array(0)));
}

/** TLS 1.2 Certificate message body. */
export function certificate12(ders: Uint8Array[]): Uint8Array {
  return vec(3, cat(...ders.map((d) => vec(3, d))));
}

/** TLS 1.2 CertificateRequest body: rsa_sign + ecdsa_sign, two schemes, CA names (DER Names). */
export function certificateRequest12(caNames: Uint8Array[] = []): Uint8Array {
  return cat(vec(1, u8(1, 64)), vec(2, cat(u16(0x0401), u16(0x0403))), vec(2, cat(...caNames.map((n) => vec(2, n)))));
}

export function alert(level: number, description: number): Uint8Array {
  return record(21, u8(level, description));
}
