/**
 * Fuzz targets for the lower stages: pcap and pcapng readers (in-memory streams cut into random
 * chunks), link/IP/TCP decoding of real frames, and TCP reassembly of random segment sequences.
 */
import { Readable } from 'node:stream';
import { openCaptureStream } from '../../src/capture/open.js';
import { CaptureError, type PacketSink } from '../../src/capture/types.js';
import { decodePacket, newTcpSegment, type DecodeStatus } from '../../src/net/index.js';
import { TcpReassembler } from '../../src/tcp/index.js';
import type { StreamConsumer, TcpConnection } from '../../src/tcp/types.js';
import type { TcpSegment } from '../../src/net/types.js';
import { captureFiles, corpusFrames, type Frame } from './corpus.js';
import type { FuzzTarget } from './harness.js';
import { Rng, hexPreview, mutate } from './rng.js';

/** Cut `b` into pieces of random sizes (sometimes 1-byte pieces, sometimes one piece). */
export function chunks(rng: Rng, b: Uint8Array): number[] {
  const mode = rng.int(4);
  if (mode === 0 || b.length === 0) return [Math.max(1, b.length)];
  const sizes: number[] = [];
  for (let left = b.length; left > 0; ) {
    // at most ~250 pieces: the reader yields to the event loop per chunk, which costs time, not bugs
    const n = sizes.length >= 250 ? left : Math.min(left, mode === 1 ? 1 + rng.int(7) : 1 + rng.int(mode === 2 ? 200 : 5000));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

export function streamOf(b: Uint8Array, sizes: number[]): Readable {
  const pieces: Buffer[] = [];
  let o = 0;
  for (const n of sizes) {
    if (o >= b.length) break;
    pieces.push(Buffer.from(b.subarray(o, o + n)));
    o += n;
  }
  return Readable.from(pieces, { objectMode: false });
}

export interface CaptureInput {
  seed: string;
  bytes: Uint8Array;
  sizes: number[];
}

/** Reads a whole capture through openCaptureStream, checking the reader's contract. */
export async function readCapture(input: CaptureInput): Promise<{ packets: number; warnings: number }> {
  let src;
  try {
    src = await openCaptureStream(streamOf(input.bytes, input.sizes), 'fuzz');
  } catch (err) {
    if (err instanceof CaptureError) return { packets: 0, warnings: 0 }; // not a capture: a clean refusal
    throw err;
  }
  let frames = 0;
  let warnings = 0;
  const sink: PacketSink = {
    packet(p) {
      if (p.frame !== ++frames) throw new Error(`frame ${p.frame} after ${frames - 1}`);
      if (p.data.length > 16 * 1024 * 1024) throw new Error(`packet of ${p.data.length} bytes`);
      if (p.data.length > input.bytes.length) throw new Error(`packet longer than the file`);
      if (!Number.isFinite(p.tsSec) || p.tsNsec < 0 || p.tsNsec >= 1e9) throw new Error(`bad timestamp ${p.tsSec}.${p.tsNsec}`);
    },
    secrets(s) {
      if (s.data.length > input.bytes.length) throw new Error('secrets longer than the file');
    },
    warning(w) {
      warnings++;
      if (typeof w.message !== 'string' || w.message.length === 0) throw new Error('empty warning');
      if (w.offset !== undefined && (w.offset < 0 || w.offset > input.bytes.length)) {
        throw new Error(`warning offset ${w.offset} outside the ${input.bytes.length}-byte input: ${w.message}`);
      }
    },
  };
  const summary = await src.run(sink);
  if (summary.packets !== frames) throw new Error(`summary says ${summary.packets} packets, sink saw ${frames}`);
  if (summary.bytes > input.bytes.length) throw new Error(`summary says ${summary.bytes} bytes of ${input.bytes.length}`);
  return { packets: frames, warnings };
}

function captureTarget(name: string, weight: number, pick: (f: { name: string }) => boolean): FuzzTarget<CaptureInput> {
  let seeds: Array<{ name: string; bytes: Uint8Array }> | null = null;
  return {
    name,
    weight,
    gen(rng) {
      seeds ??= captureFiles(30_000).filter(pick);
      const s = rng.pick(seeds);
      // keep the magic most of the time so the parser, not the detector, sees the damage
      const bytes = rng.bool(0.05) ? s.bytes.slice(0, rng.int(s.bytes.length)) : mutate(rng, s.bytes, rng.bool(0.9) ? 4 : 0);
      return { seed: s.name, bytes, sizes: chunks(rng, bytes) };
    },
    async check(input) {
      await readCapture(input);
    },
    show: (i) => `mutated ${i.seed}, ${i.bytes.length} bytes in ${i.sizes.length} chunks: ${hexPreview(i.bytes, 96)}`,
  };
}

export const pcapTarget = captureTarget('pcap', 10, (f) => f.name.endsWith('.pcap'));
export const pcapngTarget = captureTarget('pcapng', 10, (f) => f.name.endsWith('.pcapng'));

// ---------- link / IP / TCP ----------

const STATUSES: readonly DecodeStatus[] = ['tcp', 'not-tcp', 'unsupported-link', 'fragment', 'malformed'];
const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];

export interface FrameInput {
  linkType: number;
  data: Uint8Array;
  wire: number;
}

let frames: Frame[] | null = null;
const seg = newTcpSegment();

export const netTarget: FuzzTarget<FrameInput> = {
  name: 'net',
  weight: 15,
  gen(rng) {
    frames ??= corpusFrames();
    const f = rng.pick(frames);
    const data = mutate(rng, f.data, 0, 70_000);
    const linkType = rng.bool(0.9) ? f.linkType : rng.bool(0.7) ? rng.pick(LINK_TYPES) : rng.int(300);
    const wire = rng.bool(0.8) ? data.length : rng.pick([0, data.length + rng.int(3000), 0xffffffff, -1]);
    return { linkType, data, wire };
  },
  check({ linkType, data, wire }) {
    const status = decodePacket(linkType, data, seg, wire);
    if (!STATUSES.includes(status)) throw new Error(`unknown status ${status}`);
    if ((status === 'malformed' || status === 'unsupported-link') && seg.error === '') throw new Error(`${status} without an error message`);
    if (status !== 'tcp') return;
    const p = seg.payload;
    if (p.length > 0 && (p.buffer !== data.buffer || p.byteOffset < data.byteOffset || p.byteOffset + p.length > data.byteOffset + data.length)) {
      throw new Error('payload is not a view inside the frame');
    }
    if (p.length > seg.payloadLength) throw new Error(`payload ${p.length} > declared ${seg.payloadLength}`);
    if (seg.seq < 0 || seg.seq >= 2 ** 32 || seg.srcPort > 65535 || seg.dstPort > 65535) throw new Error('field out of range');
  },
  show: (i) => `linkType ${i.linkType}, wire ${i.wire}, ${i.data.length} bytes: ${hexPreview(i.data, 128)}`,
};

// ---------- TCP reassembly ----------

export interface TcpInput {
  segments: TcpSegment[];
  limits: { maxBufferedPerDirection?: number; maxBufferedTotal?: number; maxConnections?: number; idleTimeoutSec?: number };
  times: number[];
}

const ADDR = [Uint8Array.of(10, 0, 0, 1), Uint8Array.of(10, 0, 0, 2), Uint8Array.of(10, 0, 0, 3)];

export const tcpTarget: FuzzTarget<TcpInput> = {
  name: 'tcp',
  weight: 6,
  gen(rng) {
    const n = 1 + rng.int(rng.bool(0.8) ? 40 : 400);
    const isn = [rng.u32(), rng.bool(0.3) ? 0xffffffff - rng.int(2000) : rng.u32()];
    const segments: TcpSegment[] = [];
    const times: number[] = [];
    let t = 1000;
    for (let i = 0; i < n; i++) {
      const fromA = rng.bool();
      const port = 40000 + rng.int(rng.bool(0.8) ? 2 : 30);
      const base = isn[fromA ? 0 : 1]!;
      const seq = (rng.bool(0.85) ? base + rng.int(6000) : rng.u32()) >>> 0;
      const len = rng.bool(0.2) ? 0 : rng.int(rng.bool(0.9) ? 1500 : 70_000);
      const payload = rng.bytes(Math.min(len, 2000));
      const flags = rng.bool(0.7) ? 0x18 : rng.int(64);
      const [a, b] = fromA ? [ADDR[0]!, ADDR[1 + rng.int(2)]!] : [ADDR[1]!, ADDR[0]!];
      segments.push({
        ipVersion: 4, src: a, dst: b, srcPort: fromA ? port : 443, dstPort: fromA ? 443 : port,
        seq, ack: (isn[fromA ? 1 : 0]! + rng.int(6000)) >>> 0, flags, window: rng.int(65536),
        payload, payloadLength: Math.max(payload.length, len), payloadTruncated: len > payload.length, vlan: -1, error: '',
      });
      t += rng.bool(0.9) ? 0 : rng.int(200);
      times.push(t);
    }
    const limits: TcpInput['limits'] = {};
    if (rng.bool(0.5)) limits.maxBufferedPerDirection = rng.int(20_000);
    if (rng.bool(0.3)) limits.maxBufferedTotal = rng.int(40_000);
    if (rng.bool(0.3)) limits.maxConnections = 1 + rng.int(4);
    if (rng.bool(0.3)) limits.idleTimeoutSec = 1 + rng.int(100);
    return { segments, limits, times };
  },
  check({ segments, limits, times }) {
    const seen = new Map<TcpConnection, { next: [number, number]; done: boolean }>();
    const factory = (conn: TcpConnection): StreamConsumer => {
      if (seen.has(conn)) throw new Error('consumer created twice for one connection');
      const st = { next: [0, 0] as [number, number], done: false };
      seen.set(conn, st);
      const at = (side: 0 | 1, off: number, len: number) => {
        if (st.done) throw new Error('call after complete()');
        if (off !== st.next[side]) throw new Error(`side ${side}: offset ${off}, expected ${st.next[side]}`);
        if (len <= 0) throw new Error(`empty delivery at ${off}`);
        st.next[side] = off + len;
      };
      return {
        data: (side, c) => at(side, c.streamOffset, c.bytes.length),
        gap: (side, g) => at(side, g.streamOffset, g.length),
        end: () => {
          if (st.done) throw new Error('end after complete()');
        },
        complete: (c) => {
          if (c !== conn || st.done) throw new Error('complete() twice or for another connection');
          st.done = true;
        },
      };
    };
    const tcp = new TcpReassembler(factory, limits);
    const cap = limits.maxBufferedTotal ?? Infinity;
    segments.forEach((s, i) => {
      tcp.push({ frame: i + 1, tsSec: times[i]!, tsNsec: 0 }, s);
      if (tcp.stats.bufferedBytes > cap) throw new Error(`${tcp.stats.bufferedBytes} bytes buffered over the cap ${cap}`);
    });
    tcp.flush();
    for (const st of seen.values()) if (!st.done) throw new Error('connection never completed');
    if (tcp.stats.open !== 0 || tcp.stats.bufferedBytes !== 0) throw new Error('state left after flush');
  },
  show: (i) =>
    `limits ${JSON.stringify(i.limits)}; segments ` +
    i.segments.slice(0, 20).map((s) => `${s.src[3]}:${s.srcPort}>${s.dst[3]}:${s.dstPort} seq=${s.seq} f=${s.flags} len=${s.payloadLength}`).join('; ') +
    (i.segments.length > 20 ? ` … (${i.segments.length})` : ''),
};
