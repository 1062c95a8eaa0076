/**
 * Deferred decryption: when key material may still arrive (a pcapng Decryption Secrets Block after
 * the packets, a key log file still being written during a live capture), the protected records of
 * a connection without keys are kept — bounded per connection and globally — so they can be
 * decrypted once the secrets show up, in one read of the capture.
 */
import type { Side } from '../tcp/types.js';
import type { TlsEvent } from './events.js';
import type { RecordInfo } from './record-reader.js';
import { copyBytes } from '../net/bytes.js';

/** Shared across connections: bytes kept for deferred decryption. */
export interface DeferBudget {
  used: number;
  max: number;
  exhausted: boolean;
}

export function newDeferBudget(maxBytes = 64 * 1024 * 1024): DeferBudget {
  return { used: 0, max: maxBytes, exhausted: false };
}

export interface DeferredRecord {
  side: Side;
  info: RecordInfo;
  header: Uint8Array;
  body: Uint8Array;
  /** The encrypted-record event emitted for it (removed when it is decrypted later). */
  event: TlsEvent | null;
  /** It was counted as application data / as an encrypted record. */
  countedAppData: boolean;
}

const MAX_RECORDS = 48;
const MAX_BYTES = 128 * 1024;

export class DeferredRecords {
  readonly records: DeferredRecord[] = [];
  private bytes = 0;
  full = false;

  constructor(private readonly budget: DeferBudget) {}

  canStore(len: number): boolean {
    return !this.full && this.records.length < MAX_RECORDS && this.bytes + len <= MAX_BYTES && this.budget.used + len <= this.budget.max;
  }

  store(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array): DeferredRecord | null {
    const len = header.length + body.length;
    if (!this.canStore(len)) {
      this.full = true;
      if (this.budget.used + len > this.budget.max) this.budget.exhausted = true;
      return null;
    }
    this.bytes += len;
    this.budget.used += len;
    const r: DeferredRecord = {
      side,
      info: { ...info, frames: info.frames.slice() },
      header: copyBytes(header),
      body: copyBytes(body),
      event: null,
      countedAppData: false,
    };
    this.records.push(r);
    return r;
  }

  /** Hands the kept records over (oldest first) and releases their budget. */
  take(): DeferredRecord[] {
    const out = this.records.splice(0);
    this.budget.used -= this.bytes;
    this.bytes = 0;
    return out;
  }

  /** Hands over the kept records of one direction (oldest first); the other's stay. */
  takeSide(side: Side): DeferredRecord[] {
    const out: DeferredRecord[] = [];
    const rest: DeferredRecord[] = [];
    for (const r of this.records) (r.side === side ? out : rest).push(r);
    if (out.length === 0) return out;
    this.records.length = 0;
    this.records.push(...rest);
    let len = 0;
    for (const r of out) len += r.header.length + r.body.length;
    this.bytes -= len;
    this.budget.used -= len;
    return out;
  }
}
