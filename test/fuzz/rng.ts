/**
 * Deterministic randomness and byte mutators for the fuzz targets. Every input is derived from
 * (seed, target, index), so a failure is reproduced from the three numbers printed with it.
 */

/** mulberry32: small, fast, good enough to drive mutations. */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n) (n >= 1). */
  int(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  bool(pTrue = 0.5): boolean {
    return this.u32() / 4294967296 < pTrue;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** The seed of input `index` of `target` in a run seeded with `seed` (FNV-1a over the three). */
export function inputSeed(seed: number, target: string, index: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ index, 0x01000193);
  return Math.imul(h ^ (index >>> 16), 0x01000193) >>> 0;
}

/** Length-field values that break naive arithmetic (1-4 bytes, big-endian shapes). */
const EXTREME: readonly number[][] = [
  [0xff], [0x00], [0x80], [0xff, 0xff], [0x00, 0x00], [0x80, 0x00], [0x7f, 0xff], [0x40, 0x00],
  [0xff, 0xff, 0xff], [0x00, 0x00, 0x00], [0x01, 0x00, 0x00], [0xff, 0xff, 0xff, 0xff], [0x7f, 0xff, 0xff, 0xff], [0x00, 0x00, 0x00, 0x00],
];

/**
 * One random mutation of a copy of `seed`, keeping the first `keep` bytes (e.g. a magic number):
 * bit flips, byte sets, "interesting" length values, truncation, insertion, deletion, duplication
 * of a slice. `maxLen` bounds the result.
 */
export function mutate(rng: Rng, seed: Uint8Array, keep = 0, maxLen = 1 << 20): Uint8Array {
  let b: Uint8Array = new Uint8Array(seed);
  const rounds = 1 + rng.int(rng.bool(0.8) ? 3 : 12);
  for (let r = 0; r < rounds; r++) {
    const n = b.length;
    const at = keep + rng.int(Math.max(1, n - keep));
    switch (rng.int(9)) {
      case 0:
      case 1:
        if (at < n) b[at] ^= 1 << rng.int(8);
        break;
      case 2:
        if (at < n) b[at] = rng.u32() & 0xff;
        break;
      case 3: {
        // a length field forced to an extreme value
        const v = rng.pick(EXTREME);
        for (let i = 0; i < v.length && at + i < n; i++) b[at + i] = v[i]!;
        break;
      }
      case 4:
        if (at <= n && rng.bool(0.5)) b = b.slice(0, Math.max(keep, at));
        break;
      case 5: {
        const ins = rng.bytes(1 + rng.int(rng.bool(0.8) ? 8 : 300));
        b = concat(b.subarray(0, Math.min(at, n)), ins, b.subarray(Math.min(at, n)));
        break;
      }
      case 6: {
        const len = 1 + rng.int(Math.min(64, Math.max(1, n - at)));
        if (at < n) b = concat(b.subarray(0, at), b.subarray(Math.min(n, at + len)));
        break;
      }
      case 7: {
        // duplicate a slice elsewhere (repeats structures: records, blocks, extensions)
        const from = keep + rng.int(Math.max(1, n - keep));
        const len = 1 + rng.int(Math.min(512, Math.max(1, n - from)));
        const piece = b.slice(from, Math.min(n, from + len));
        b = concat(b.subarray(0, Math.min(at, n)), piece, b.subarray(Math.min(at, n)));
        break;
      }
      default:
        // random run of bytes overwritten
        for (let i = 0, len = 1 + rng.int(16); i < len && at + i < n; i++) b[at + i] = rng.u32() & 0xff;
    }
    if (b.length > maxLen) b = b.slice(0, maxLen);
  }
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Hex of at most `max` bytes, for failure messages. */
export function hexPreview(b: Uint8Array, max = 256): string {
  const hex = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, max)).toString('hex');
  return b.length > max ? `${hex}… (${b.length} bytes)` : hex;
}
