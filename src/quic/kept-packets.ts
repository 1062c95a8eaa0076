/**
 * Protected Handshake / 1-RTT packets kept (copied) while their secrets may still arrive — a
 * pcapng Decryption Secrets Block later in the file, a key log still being written in a live
 * capture — and decrypted when the connection completes. Bounded per connection and over all
 * connections (a shared budget); what does not fit stays encrypted.
 */
import type { Side } from '../tcp/types.js';
import type { TlsEvent } from '../tls/events.js';
import { copyBytes } from '../net/bytes.js';
import type { PacketHeader } from './packet.js';

export interface KeptBudget {
  bytes: number;
  readonly max: number;
}

export function newKeptBudget(max = 64 * 1024 * 1024): KeptBudget {
  return { bytes: 0, max };
}

export interface KeptPacket {
  side: Side;
  bytes: Uint8Array;
  /** Header with offsets into `bytes`. */
  h: PacketHeader;
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** The `encrypted` event shown for it meanwhile (replaced when it decrypts). */
  event: TlsEvent | null;
  /** Counted as application data (1-RTT) rather than as an encrypted record. */
  app: boolean;
}

const MAX_PER_CONNECTION = 64;
const MAX_BYTES_PER_CONNECTION = 256 * 1024;

export class KeptPackets {
  list: KeptPacket[] = [];
  private bytes = 0;
  full = false;

  constructor(private readonly budget: KeptBudget) {}

  keep(side: Side, d: Uint8Array, h: PacketHeader, frame: number, tsSec: number, tsNsec: number): KeptPacket | null {
    const n = h.end - h.start;
    if (this.list.length >= MAX_PER_CONNECTION || this.bytes + n > MAX_BYTES_PER_CONNECTION || this.budget.bytes + n > this.budget.max) {
      this.full = true;
      return null;
    }
    const shift = h.start;
    const moved = { ...h, start: 0, pnOffset: h.pnOffset - shift, end: h.end - shift } as PacketHeader;
    const k: KeptPacket = { side, bytes: copyBytes(d, h.start, h.end), h: moved, frame, tsSec, tsNsec, event: null, app: false };
    this.list.push(k);
    this.bytes += n;
    this.budget.bytes += n;
    return k;
  }

  /** Takes every kept packet (their bytes leave the budget). */
  take(): KeptPacket[] {
    const out = this.list;
    this.list = [];
    this.budget.bytes -= this.bytes;
    this.bytes = 0;
    return out;
  }
}
