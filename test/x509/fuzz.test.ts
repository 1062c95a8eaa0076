/** Property tests: random and mutated DER never makes the certificate layer throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CertificateCache,
  PemBundleError,
  dnEquals,
  parseCertificate,
  parseDistinguishedName,
  parsePemBundle,
  usageProblems,
  verifyChain,
  type CertInfo,
} from '../../src/tls/x509/index.js';
import { derFile, pemDer } from './fixtures.js';

const SEEDS = ['client-ec', 'inter-ec', 'root-rsa', 'server-ed25519', 'escaping', 'non-ascii', 'multi-rdn'].map(pemDer);
SEEDS.push(derFile('zeek-client-certificate-frame15-0.der'));
const NAME_SEED = derFile('zeek-certificate-request-failed-dn0.der');

/** A seed with byte flips, a truncation, or an inserted run of random bytes. */
function mutated(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const flips = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }))
    .map(([seed, edits]) => {
      const out = new Uint8Array(seed);
      for (const [pos, value] of edits) out[pos % out.length] = value;
      return out;
    });
  const truncated = fc
    .tuple(fc.constantFrom(...seeds), fc.nat())
    .map(([seed, n]) => seed.subarray(0, n % (seed.length + 1)));
  const inserted = fc
    .tuple(fc.constantFrom(...seeds), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
    .map(([seed, pos, bytes]) => {
      const at = pos % (seed.length + 1);
      return new Uint8Array([...seed.subarray(0, at), ...bytes, ...seed.subarray(at)]);
    });
  return fc.oneof(flips, truncated, inserted);
}

function checkInfo(info: CertInfo): void {
  expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(typeof info.subject).toBe('string');
  expect(typeof info.issuer).toBe('string');
  if (info.notBefore !== undefined) expect(Number.isNaN(Date.parse(info.notBefore))).toBe(false);
  if (info.notAfter !== undefined) expect(Number.isNaN(Date.parse(info.notAfter))).toBe(false);
  if (info.error !== undefined) expect(info.error.length).toBeGreaterThan(0);
}

describe('fuzzing the certificate layer', () => {
  const cache = new CertificateCache(64);
  const inter = cache.get(pemDer('inter-ec'));
  const root = cache.get(pemDer('root-rsa'));

  it('parses random bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        checkInfo(parseCertificate(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('handles mutated real certificates in every entry point without throwing', () => {
    fc.assert(
      fc.property(mutated(SEEDS), (der) => {
        const info = cache.get(der);
        checkInfo(info);
        usageProblems(info, 'client');
        usageProblems(info, 'server');
        const r = verifyChain([info, inter], [root], Date.UTC(2025, 0, 1));
        expect(typeof r.ok).toBe('boolean');
        if (info.subjectDer !== undefined) {
          expect(info.subjectDer.buffer).toBe(info.der.buffer);
          expect(dnEquals(info.subjectDer, info.subjectDer)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parses random and mutated distinguished names without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), mutated([NAME_SEED])), (der) => {
        const r = parseDistinguishedName(der);
        if ('error' in r) expect(r.error.length).toBeGreaterThan(0);
        else expect(typeof r.rfc4514).toBe('string');
        expect(dnEquals(der, der)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects random PEM-ish text only with PemBundleError', () => {
    const pemish = fc
      .tuple(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 40 }))
      .map(([a, b64, c]) => `${a}-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----${c}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), pemish), (text) => {
        try {
          parsePemBundle(text, 'fuzz.pem');
        } catch (err) {
          expect(err).toBeInstanceOf(PemBundleError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
