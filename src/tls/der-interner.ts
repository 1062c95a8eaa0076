/**
 * One owned copy per distinct DER blob (certificate, CA name) for all the connections that carry
 * it, instead of a copy per connection. The copies are shared and must be treated as read-only;
 * `isInternedDer` lets later stages (the certificate cache) look them up by identity.
 */
import { BytesLru, hashBytes } from './bytes-lru.js';
import { copyBytes } from '../net/bytes.js';

export const DEFAULT_INTERNED_DER_ENTRIES = 10_000;
export const DEFAULT_INTERNED_DER_BYTES = 32 * 1024 * 1024;

/** Every copy handed out by any DerInterner (never changed after it was made). */
const interned = new WeakSet<Uint8Array>();

/** True for an owned, shared, read-only copy made by a DerInterner (spanning its whole buffer). */
export function isInternedDer(b: Uint8Array): boolean {
  return interned.has(b);
}

export class DerInterner {
  private readonly lru: BytesLru<Uint8Array>;

  constructor(maxEntries = DEFAULT_INTERNED_DER_ENTRIES, maxBytes = DEFAULT_INTERNED_DER_BYTES) {
    this.lru = new BytesLru<Uint8Array>(maxEntries, maxBytes);
  }

  /** The shared owned copy of `view`'s bytes (a fresh copy when they cannot be cached). */
  intern(view: Uint8Array): Uint8Array {
    const hash = hashBytes(view);
    const hit = this.lru.find(view, hash);
    if (hit !== undefined) return hit.value;
    const copy = copyBytes(view);
    interned.add(copy);
    this.lru.add(copy, copy, hash);
    return copy;
  }

  get size(): number {
    return this.lru.size;
  }
}
