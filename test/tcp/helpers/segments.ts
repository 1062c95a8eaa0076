/** Hand-built TcpSegment values for tests (no net stage involved). */
import type { TcpSegment } from '../../../src/net/types.js';

export const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export interface SegmentSpec {
  src?: number[];
  dst?: number[];
  sport?: number;
  dport?: number;
  seq: number;
  ack?: number;
  flags: number;
  payload?: Uint8Array;
  /** Length on the wire, when larger than the captured payload (snaplen). */
  wireLength?: number;
  window?: number;
}

export const CLIENT = [10, 0, 0, 1];
export const SERVER = [10, 0, 0, 2];

export function segment(spec: SegmentSpec): TcpSegment {
  const payload = spec.payload ?? new Uint8Array(0);
  const src = Uint8Array.from(spec.src ?? CLIENT);
  return {
    ipVersion: src.length === 16 ? 6 : 4,
    src,
    dst: Uint8Array.from(spec.dst ?? SERVER),
    srcPort: spec.sport ?? 40000,
    dstPort: spec.dport ?? 443,
    seq: spec.seq >>> 0,
    ack: (spec.ack ?? 0) >>> 0,
    flags: spec.flags,
    window: spec.window ?? 65535,
    payload,
    payloadLength: spec.wireLength ?? payload.length,
    payloadTruncated: (spec.wireLength ?? payload.length) > payload.length,
    vlan: -1,
    error: '',
  };
}

/** Client -> server segment on the default tuple. */
export function c2s(seq: number, flags: number, payload?: Uint8Array, ack = 0, extra: Partial<SegmentSpec> = {}): TcpSegment {
  return segment({ seq, flags, payload, ack, ...extra });
}

/** Server -> client segment on the default tuple. */
export function s2c(seq: number, flags: number, payload?: Uint8Array, ack = 0, extra: Partial<SegmentSpec> = {}): TcpSegment {
  return segment({ src: SERVER, dst: CLIENT, sport: 443, dport: 40000, seq, flags, payload, ack, ...extra });
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
