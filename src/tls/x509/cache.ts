/**
 * A bounded LRU of parsed certificates keyed by their DER bytes: every distinct certificate in a
 * capture is parsed (and hashed with SHA-256) once, however many connections carry it. Lookups
 * compare bytes (bytes-lru.ts); the shared copies made by the tls stage (der-interner.ts) are
 * found by identity, without even that.
 */
import { BytesLru, hashBytes, type BytesEntry } from '../bytes-lru.js';
import { isInternedDer } from '../der-interner.js';
import { ownedDerCopy, parseOwnedCertificate, sha256Hex } from './certificate.js';
import type { CertInfo } from './types.js';

export const DEFAULT_CERTIFICATE_CACHE_SIZE = 10_000;
/** Total DER bytes cached (a certificate may be up to 2^24 bytes). */
const MAX_CACHED_DER_BYTES = 64 * 1024 * 1024;

export class CertificateCache {
  readonly maxEntries: number;
  private readonly lru: BytesLru<CertInfo>;
  /** For `peek`: entries by SHA-256 (removed on eviction). */
  private readonly bySha256 = new Map<string, BytesEntry<CertInfo>>();
  /** Interned (immutable, shared) DER arrays already looked up → their entry. */
  private readonly byInterned = new WeakMap<Uint8Array, BytesEntry<CertInfo>>();
  private parsed = 0;
  private hitCount = 0;

  constructor(maxEntries: number = DEFAULT_CERTIFICATE_CACHE_SIZE) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`certificate cache size must be a positive integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
    this.lru = new BytesLru<CertInfo>(maxEntries, MAX_CACHED_DER_BYTES, (e) => {
      if (this.bySha256.get(e.value.sha256) === e) this.bySha256.delete(e.value.sha256);
    });
  }

  /**
   * The CertInfo for `der` (usually a view into a packet buffer, or a tls-stage shared copy). On a
   * miss the bytes are copied once into an owned buffer (shared copies are used as they are) and
   * parsed; malformed certificates are cached too (with `error`).
   */
  get(der: Uint8Array): CertInfo {
    const interned = isInternedDer(der);
    if (interned) {
      const known = this.byInterned.get(der);
      if (known !== undefined && known.live) {
        this.hitCount++;
        this.lru.touch(known);
        return known.value;
      }
    }
    const hash = hashBytes(der);
    const hit = this.lru.find(der, hash);
    if (hit !== undefined) {
      this.hitCount++;
      if (interned) this.byInterned.set(der, hit);
      return hit.value;
    }
    const copy = interned ? der : ownedDerCopy(der);
    const info = parseOwnedCertificate(copy, sha256Hex(copy));
    this.parsed++;
    const added = this.lru.add(copy, info, hash);
    if (added !== undefined) {
      this.bySha256.set(info.sha256, added);
      if (interned) this.byInterned.set(der, added);
    }
    return info;
  }

  /** The cached CertInfo for a SHA-256 (lowercase hex), without parsing or touching LRU order. */
  peek(sha256: string): CertInfo | undefined {
    return this.bySha256.get(sha256)?.value;
  }

  get size(): number {
    return this.lru.size;
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
    this.lru.clear();
    this.bySha256.clear();
  }
}

