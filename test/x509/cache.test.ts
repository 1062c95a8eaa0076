import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateCache } from '../../src/tls/x509/index.js';
import { pemDer } from './fixtures.js';

describe('CertificateCache', () => {
  it('parses each distinct certificate once, keyed by the SHA-256 of the DER', () => {
    const cache = new CertificateCache();
    const der = pemDer('client-ec');
    const first = cache.get(der);
    expect(cache.parseCount).toBe(1);
    // Same bytes at another offset of another buffer (as in a second connection's packet).
    const packet = new Uint8Array(der.length + 7);
    packet.set(der, 7);
    const second = cache.get(packet.subarray(7));
    expect(second).toBe(first);
    expect(cache.parseCount).toBe(1);
    expect(cache.hits).toBe(1);
    expect(cache.size).toBe(1);
    expect(first.sha256).toBe(createHash('sha256').update(der).digest('hex'));
    expect(cache.peek(first.sha256)).toBe(first);
  });

  it('copies the DER once: later changes to the caller buffer do not affect the cached entry', () => {
    const cache = new CertificateCache();
    const packet = new Uint8Array(4096);
    const der = pemDer('inter-ec');
    packet.set(der, 100);
    const info = cache.get(packet.subarray(100, 100 + der.length));
    packet.fill(0);
    expect(Buffer.from(info.der)).toEqual(Buffer.from(der));
    expect(info.der.byteOffset).toBe(0);
    expect(info.der.buffer.byteLength).toBe(der.length); // exactly one copy, no packet-sized buffer
    expect(info.subjectDer!.buffer).toBe(info.der.buffer);
    expect(info.issuerDer!.buffer).toBe(info.der.buffer);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new CertificateCache(2);
    const [a, b, c] = [pemDer('client-ec'), pemDer('inter-ec'), pemDer('root-rsa')];
    cache.get(a);
    cache.get(b);
    cache.get(a); // a is now the most recently used
    cache.get(c); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.parseCount).toBe(3);
    cache.get(a);
    expect(cache.parseCount).toBe(3);
    cache.get(b);
    expect(cache.parseCount).toBe(4);
  });

  it('caches malformed certificates too, with an error and the SHA-256', () => {
    const cache = new CertificateCache();
    const junk = new Uint8Array([1, 2, 3, 4]);
    const info = cache.get(junk);
    expect(info.error).toMatch(/^certificate \(4 bytes\) is not a valid X\.509 structure: /);
    expect(info.subject).toBe('(unparseable certificate)');
    expect(info.issuer).toBe('(unparseable certificate)');
    expect(info.sha256).toBe(createHash('sha256').update(junk).digest('hex'));
    expect(cache.get(junk)).toBe(info);
    expect(cache.parseCount).toBe(1);
    expect(cache.get(new Uint8Array(0)).error).toBe('certificate is empty (0 bytes)');
  });

  it('rejects a non-positive size', () => {
    expect(() => new CertificateCache(0)).toThrow(RangeError);
  });
});
