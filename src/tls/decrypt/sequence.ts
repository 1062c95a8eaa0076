/**
 * A 64-bit TLS record sequence number kept as two 32-bit halves (no BigInt arithmetic per record).
 */
const MAX_HALF = 0xffffffff;

export class SequenceNumber {
  #hi = 0;
  #lo = 0;

  get value(): bigint {
    return (BigInt(this.#hi) << 32n) | BigInt(this.#lo);
  }

  set value(v: bigint) {
    if (v < 0n || v >= 1n << 64n) throw new RangeError('sequence number outside 0..2^64-1');
    this.#hi = Number(v >> 32n);
    this.#lo = Number(v & 0xffffffffn);
  }

  /** True once 2^64 records were counted: the connection must have been rekeyed long before. */
  get exhausted(): boolean {
    return this.#hi > MAX_HALF;
  }

  reset(): void {
    this.#hi = 0;
    this.#lo = 0;
  }

  increment(): void {
    if (this.#lo === MAX_HALF) {
      this.#lo = 0;
      this.#hi++;
    } else {
      this.#lo++;
    }
  }

  /** Writes the 8 big-endian bytes at `out[offset..offset+8)`. */
  write(out: Uint8Array, offset: number): void {
    const hi = this.#hi;
    const lo = this.#lo;
    out[offset] = hi >>> 24;
    out[offset + 1] = (hi >>> 16) & 0xff;
    out[offset + 2] = (hi >>> 8) & 0xff;
    out[offset + 3] = hi & 0xff;
    out[offset + 4] = lo >>> 24;
    out[offset + 5] = (lo >>> 16) & 0xff;
    out[offset + 6] = (lo >>> 8) & 0xff;
    out[offset + 7] = lo & 0xff;
  }

  /** out = iv XOR (sequence left-padded to iv.length), the TLS 1.3 / RFC 7905 per-record nonce. */
  xorIntoNonce(iv: Uint8Array, out: Uint8Array): void {
    out.set(iv);
    const off = iv.length - 8;
    this.write(out, off);
    for (let i = off; i < iv.length; i++) out[i]! ^= iv[i]!;
  }
}
