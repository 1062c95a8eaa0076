/**
 * A bounded LRU map keyed by byte content, for DER blobs that repeat across connections
 * (certificates, CA names): a lookup hashes a sample of the bytes and compares them all, with no
 * string key and no SHA-256. Bounded three ways: entries, total key bytes, and entries per hash
 * bucket. Keys that collide beyond MAX_BUCKET_ENTRIES (possibly crafted) are simply not cached,
 * so a lookup costs at most that many comparisons whatever the input.
 */

/** Colliding keys kept per hash value. */
export const MAX_BUCKET_ENTRIES = 8;

export interface BytesEntry<V> {
  /** Owned bytes: the map keeps this array, callers must not change it. */
  readonly key: Uint8Array;
  readonly hash: number;
  readonly value: V;
  /** False once evicted (or cleared). */
  live: boolean;
}

/** Bytes mixed into the hash: a sample across the blob, then its tail. */
const HASH_SAMPLES = 32;
const HASH_TAIL = 32;

/**
 * FNV-1a over the length, ~32 bytes spread across the blob and its last 32 bytes (a certificate
 * ends with its signature). Only a bucket index: equality is always checked on all bytes, so
 * blobs that agree on the sampled bytes only cost a comparison (or, past MAX_BUCKET_ENTRIES, a
 * cache miss).
 */
export function hashBytes(b: Uint8Array): number {
  const n = b.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  const step = n > HASH_SAMPLES ? Math.floor(n / HASH_SAMPLES) : 1;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = n > HASH_TAIL ? n - HASH_TAIL : 0; i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** Byte equality (memcmp through Buffer.compare: an order of magnitude faster than a JS loop). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.length === b.length && Buffer.compare(a, b) === 0);
}

export class BytesLru<V> {
  private readonly buckets = new Map<number, BytesEntry<V>[]>();
  /** Set iteration order is insertion order: the first entry is the least recently used. */
  private readonly order = new Set<BytesEntry<V>>();
  private keyBytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
    private readonly onEvict?: (e: BytesEntry<V>) => void,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`cache size must be a positive integer, got ${maxEntries}`);
    }
  }

  /** The entry whose key equals `bytes` (now the most recently used), if cached. */
  find(bytes: Uint8Array, hash: number = hashBytes(bytes)): BytesEntry<V> | undefined {
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      if (bytesEqual(e.key, bytes)) {
        this.touch(e);
        return e;
      }
    }
    return undefined;
  }

  /** Marks a live entry as the most recently used. */
  touch(e: BytesEntry<V>): void {
    if (!e.live) return;
    this.order.delete(e);
    this.order.add(e);
  }

  /**
   * Caches `key` (owned bytes, not already cached: call `find` first) → `value`. Returns the entry,
   * or undefined when it was not cached (too large, or its hash bucket is full).
   */
  add(key: Uint8Array, value: V, hash: number = hashBytes(key)): BytesEntry<V> | undefined {
    if (key.length > this.maxBytes) return undefined;
    let bucket = this.buckets.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(hash, bucket);
    } else if (bucket.length >= MAX_BUCKET_ENTRIES) return undefined;
    const e: BytesEntry<V> = { key, hash, value, live: true };
    bucket.push(e);
    this.order.add(e);
    this.keyBytes += key.length;
    while (this.order.size > this.maxEntries || this.keyBytes > this.maxBytes) {
      const oldest = this.order.values().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
    return e;
  }

  get size(): number {
    return this.order.size;
  }

  /** Total length of the cached keys. */
  get bytes(): number {
    return this.keyBytes;
  }

  clear(): void {
    for (const e of this.order) e.live = false;
    this.order.clear();
    this.buckets.clear();
    this.keyBytes = 0;
  }

  private remove(e: BytesEntry<V>): void {
    e.live = false;
    this.order.delete(e);
    this.keyBytes -= e.key.length;
    const bucket = this.buckets.get(e.hash);
    if (bucket !== undefined) {
      const i = bucket.indexOf(e);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.buckets.delete(e.hash);
    }
    this.onEvict?.(e);
  }
}
