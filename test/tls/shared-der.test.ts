import { describe, expect, it } from 'vitest';
import { BytesLru, MAX_BUCKET_ENTRIES, hashBytes } from '../../src/tls/bytes-lru.js';
import { DerInterner, isInternedDer } from '../../src/tls/der-interner.js';
import { CertificateCache } from '../../src/tls/x509/index.js';
import { certificateModel, newCertContext } from '../../src/analysis/certificates.js';
import { pemDer } from '../x509/fixtures.js';

const bytes = (...v: number[]) => new Uint8Array(v);

/** Same length and same sampled bytes (hashBytes samples every floor(n/32)th byte and the tail). */
function collidingKeys(count: number): Uint8Array[] {
  const n = 1024;
  return Array.from({ length: count }, (_, i) => {
    const b = new Uint8Array(n);
    b[1] = i; // position 1 is neither sampled (step 32) nor in the tail
    return b;
  });
}

describe('BytesLru', () => {
  it('finds entries by content, not by identity, and evicts the least recently used', () => {
    const lru = new BytesLru<string>(2, 1 << 20);
    lru.add(bytes(1, 2, 3), 'a');
    lru.add(bytes(4, 5), 'b');
    expect(lru.find(bytes(1, 2, 3))?.value).toBe('a'); // a is now the most recent
    lru.add(bytes(6), 'c'); // evicts b
    expect(lru.find(bytes(4, 5))).toBeUndefined();
    expect(lru.find(bytes(1, 2, 3))?.value).toBe('a');
    expect(lru.find(bytes(6))?.value).toBe('c');
    expect(lru.find(bytes(1, 2))).toBeUndefined();
    expect(lru.size).toBe(2);
  });

  it('keeps its total key bytes under the cap and marks evicted entries dead', () => {
    const evicted: string[] = [];
    const lru = new BytesLru<string>(100, 10, (e) => evicted.push(e.value));
    const a = lru.add(new Uint8Array(6).fill(1), 'a')!;
    lru.add(new Uint8Array(6).fill(2), 'b');
    expect(evicted).toEqual(['a']);
    expect(a.live).toBe(false);
    expect(lru.bytes).toBe(6);
    expect(lru.add(new Uint8Array(11), 'too big')).toBeUndefined();
  });

  it('caches at most MAX_BUCKET_ENTRIES keys with one hash, and still tells them apart', () => {
    const keys = collidingKeys(MAX_BUCKET_ENTRIES + 1);
    expect(new Set(keys.map(hashBytes)).size).toBe(1);
    const lru = new BytesLru<number>(100, 1 << 20);
    keys.forEach((k, i) => {
      const e = lru.add(k, i);
      expect(e === undefined).toBe(i === MAX_BUCKET_ENTRIES);
    });
    keys.slice(0, MAX_BUCKET_ENTRIES).forEach((k, i) => expect(lru.find(k.slice())?.value).toBe(i));
    expect(lru.find(keys[MAX_BUCKET_ENTRIES]!)).toBeUndefined();
  });
});

describe('DerInterner', () => {
  it('hands out one owned copy per distinct blob', () => {
    const interner = new DerInterner();
    const packet = bytes(9, 9, 1, 2, 3, 9);
    const a = interner.intern(packet.subarray(2, 5));
    const b = interner.intern(bytes(1, 2, 3));
    expect(b).toBe(a);
    expect(isInternedDer(a)).toBe(true);
    expect(isInternedDer(packet)).toBe(false);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(3);
    packet.fill(0);
    expect([...a]).toEqual([1, 2, 3]);
    expect(interner.intern(bytes(1, 2, 4))).not.toBe(a);
  });

  it('still copies blobs it cannot cache (colliding beyond the bucket cap)', () => {
    const interner = new DerInterner();
    const keys = collidingKeys(MAX_BUCKET_ENTRIES + 1);
    const copies = keys.map((k) => interner.intern(k));
    const last = keys[MAX_BUCKET_ENTRIES]!;
    expect([...copies[MAX_BUCKET_ENTRIES]!]).toEqual([...last]);
    expect(interner.intern(last)).not.toBe(copies[MAX_BUCKET_ENTRIES]);
    expect(interner.size).toBe(MAX_BUCKET_ENTRIES);
  });
});

describe('certificates shared across connections', () => {
  it('the cache parses an interned certificate once and uses the shared copy as its DER', () => {
    const cache = new CertificateCache();
    const der = new DerInterner().intern(pemDer('client-ec'));
    const info = cache.get(der);
    expect(info.der).toBe(der);
    expect(cache.get(der)).toBe(info);
    expect(cache.get(pemDer('client-ec'))).toBe(info);
    expect(cache.parseCount).toBe(1);
    expect(cache.hits).toBe(2);
    expect(cache.peek(info.sha256)).toBe(info);
  });

  it('an evicted interned certificate is parsed again', () => {
    const cache = new CertificateCache(1);
    const interner = new DerInterner();
    const a = interner.intern(pemDer('client-ec'));
    const b = interner.intern(pemDer('inter-ec'));
    const first = cache.get(a);
    cache.get(b);
    expect(cache.peek(first.sha256)).toBeUndefined();
    expect(cache.get(a)).not.toBe(first);
    expect(cache.parseCount).toBe(3);
  });

  it('one frozen model per certificate, with the fields of the parsed certificate', () => {
    const ctx = newCertContext();
    const m1 = certificateModel(pemDer('client-ec'), ctx);
    const m2 = certificateModel(pemDer('client-ec'), ctx);
    expect(m2).toBe(m1);
    expect(Object.isFrozen(m1)).toBe(true);
    const info = ctx.certs.get(pemDer('client-ec'));
    expect(m1.subject).toBe(info.subject);
    expect(m1.sha256).toBe(info.sha256);
    expect(Object.keys(m1).slice(0, 5)).toEqual(['subject', 'issuer', 'notBefore', 'notAfter', 'sha256']);
  });
});
