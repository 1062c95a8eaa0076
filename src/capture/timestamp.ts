/**
 * pcapng timestamps: a 64-bit count of units (if_tsresol) split into seconds and nanoseconds,
 * exactly, without BigInt for the usual decimal resolutions (10^-0 .. 10^-9).
 */

/** How to turn a unit count into seconds + nanoseconds for one interface. */
export interface TsResolution {
  /** Units per second when it is 10^k with k <= 9 (fast path); 0 otherwise. */
  decimalUnits: number;
  /** Nanoseconds per unit on the fast path (10^(9-k)). */
  nsPerUnit: number;
  /** Units per second as a BigInt (every resolution). */
  unitsBig: bigint;
}

/** The default resolution (no if_tsresol option): microseconds. */
export const MICROSECONDS: TsResolution = resolutionFromOption(6);

/**
 * Decodes the if_tsresol byte: high bit clear = 10^-v seconds, set = 2^-(v & 0x7f) seconds.
 */
export function resolutionFromOption(v: number): TsResolution {
  if ((v & 0x80) !== 0) {
    return { decimalUnits: 0, nsPerUnit: 0, unitsBig: 1n << BigInt(v & 0x7f) };
  }
  if (v <= 9) {
    const units = 10 ** v;
    return { decimalUnits: units, nsPerUnit: 10 ** (9 - v), unitsBig: BigInt(units) };
  }
  return { decimalUnits: 0, nsPerUnit: 0, unitsBig: 10n ** BigInt(v) };
}

/** Result holder, reused by callers to avoid an allocation per packet. */
export interface SecNsec {
  sec: number;
  nsec: number;
}

/**
 * Splits the unit count high * 2^32 + low (both uint32) into out.sec / out.nsec (nanoseconds are
 * truncated for resolutions finer than 1 ns).
 */
export function splitTimestamp(high: number, low: number, res: TsResolution, out: SecNsec): void {
  const d = res.decimalUnits;
  if (d !== 0) {
    // Long division by d (<= 10^9 < 2^30) in 32+16+16-bit digits: every intermediate value is
    // below 2^47, so the double arithmetic is exact.
    const q3 = Math.floor(high / d);
    let r = high - q3 * d;
    let t = r * 65536 + (low >>> 16);
    const q2 = Math.floor(t / d);
    r = t - q2 * d;
    t = r * 65536 + (low & 0xffff);
    const q1 = Math.floor(t / d);
    r = t - q1 * d;
    out.sec = q3 * 4294967296 + q2 * 65536 + q1;
    out.nsec = r * res.nsPerUnit;
    return;
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  const div = res.unitsBig;
  out.sec = Number(units / div);
  out.nsec = Number(((units % div) * 1_000_000_000n) / div);
}
