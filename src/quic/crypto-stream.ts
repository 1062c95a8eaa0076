/**
 * CRYPTO frame reassembly of one packet number space in one direction (RFC 9000 §19.6): frames
 * may come out of order, repeated, split over packets and coalesced datagrams. Bytes are handed on
 * in offset order exactly once; out-of-order data is kept (copied) within a byte budget and an
 * offset window, beyond which it is dropped with a warning (hostile input cannot grow memory).
 */
import { copyBytes } from '../net/bytes.js';
import type { WarningCode } from '../warning-codes.js';

export interface CryptoMeta {
  /** Frame being processed (it completes what it makes contiguous). */
  frame: number;
  /** Frame that carried these bytes when they waited for a hole (else = frame). */
  carried?: number;
  /** QUIC packet number that carried the bytes. */
  pn: number;
  tsSec: number;
  tsNsec: number;
}

export type CryptoDeliver = (offset: number, bytes: Uint8Array, meta: CryptoMeta) => void;

interface Pending {
  offset: number;
  data: Uint8Array;
  meta: CryptoMeta;
}

export const MAX_CRYPTO_BUFFERED = 256 * 1024;
/** Data further ahead of the next expected offset than this is dropped (RFC 9000 §7.5 allows an
 * endpoint to limit it; 4 times the 16 KB minimum). */
export const MAX_CRYPTO_AHEAD = 1024 * 1024;
const MAX_PENDING = 256;

export class CryptoStream {
  next = 0;
  private pending: Pending[] = [];
  private buffered = 0;
  duplicates = 0;
  dropped = 0;

  constructor(
    private readonly deliver: CryptoDeliver,
    private readonly warn: (code: WarningCode, msg: string, frame: number, offset?: number) => void,
  ) {}

  push(offset: number, data: Uint8Array, meta: CryptoMeta): void {
    const end = offset + data.length;
    if (end <= this.next) {
      this.duplicates++;
      return;
    }
    if (offset <= this.next) {
      const from = this.next - offset;
      this.next = end;
      this.deliver(offset + from, data.subarray(from), meta);
      this.drain(meta);
      return;
    }
    if (end - this.next > MAX_CRYPTO_AHEAD || this.buffered + data.length > MAX_CRYPTO_BUFFERED || this.pending.length >= MAX_PENDING) {
      this.dropped += data.length;
      this.warn('quic-crypto-reassembly-limit', `CRYPTO data at offset ${offset} (${data.length} bytes) dropped: more out-of-order handshake data than the reassembly limit`, meta.frame, offset);
      return;
    }
    const copy = copyBytes(data);
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.offset > offset) i--;
    this.pending.splice(i, 0, { offset, data: copy, meta });
    this.buffered += copy.length;
  }

  /** Bytes still waiting for a hole before them. */
  get waiting(): number {
    return this.buffered;
  }

  /** Buffered pieces that are contiguous now, delivered as part of the current packet `now`. */
  private drain(now: CryptoMeta): void {
    while (this.pending.length > 0 && this.pending[0]!.offset <= this.next) {
      const p = this.pending.shift()!;
      this.buffered -= p.data.length;
      const end = p.offset + p.data.length;
      if (end <= this.next) {
        this.duplicates++;
        continue;
      }
      const from = this.next - p.offset;
      this.next = end;
      this.deliver(p.offset + from, p.data.subarray(from), { ...now, pn: p.meta.pn, carried: p.meta.frame });
    }
  }
}
