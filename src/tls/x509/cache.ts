/**
 * A bounded LRU of parsed certificates keyed by the SHA-256 of their DER: every distinct
 * certificate in a capture is parsed once, however many connections carry it.
 */
import { parseOwnedCertificate, sha256Hex } from './certificate.js';
import type { CertInfo } from './types.js';

export const DEFAULT_CERTIFICATE_CACHE_SIZE = 10_000;

export class CertificateCache {
  readonly maxEntries: number;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, CertInfo>();
  private parsed = 0;
  private hitCount = 0;

  constructor(maxEntries: number = DEFAULT_CERTIFICATE_CACHE_SIZE) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`certificate cache size must be a positive integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
  }

  /**
   * The CertInfo for `der` (usually a view into a packet buffer). On a miss the bytes are copied
   * once into an owned buffer and parsed; malformed certificates are cached too (with `error`).
   */
  get(der: Uint8Array): CertInfo {
    const sha256 = sha256Hex(der);
    const hit = this.entries.get(sha256);
    if (hit !== undefined) {
      this.hitCount++;
      this.entries.delete(sha256);
      this.entries.set(sha256, hit);
      return hit;
    }
    const copy = new Uint8Array(der.byteLength);
    copy.set(der);
    const info = parseOwnedCertificate(copy, sha256);
    this.parsed++;
    this.entries.set(sha256, info);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return info;
  }

  /** The cached CertInfo for a SHA-256 (lowercase hex), without parsing or touching LRU order. */
  peek(sha256: string): CertInfo | undefined {
    return this.entries.get(sha256);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Number of certificates parsed so far (misses). */
  get parseCount(): number {
    return this.parsed;
  }

  /** Number of `get` calls answered from the cache. */
  get hits(): number {
    return this.hitCount;
  }

  clear(): void {
    this.entries.clear();
  }
}
