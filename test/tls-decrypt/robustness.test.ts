/**
 * Untrusted input: random records and key log text never throw, never allocate without bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KeyLog, Secret, Tls12AeadDecryptor, Tls12CbcDecryptor, Tls13RecordDecryptor, decryptableSuites,
  parseDsbSecrets, suiteParams,
} from '../../src/tls/decrypt/index.js';

const header = (fragmentLength: number, type = 23): Uint8Array =>
  new Uint8Array([type, 3, 3, (fragmentLength >> 8) & 0xff, fragmentLength & 0xff]);

function decryptorFor(suite: number, version: number, etm: boolean) {
  const p = suiteParams(suite)!;
  if (p.protocol === 'tls13') return new Tls13RecordDecryptor(p, new Uint8Array(p.hash === 'sha256' ? 32 : 48));
  const keys = (n: number, iv: number, mac: number) => ({
    key: new Secret(new Uint8Array(n).fill(1)), iv: new Secret(new Uint8Array(iv).fill(2)), macKey: new Secret(new Uint8Array(mac).fill(3)),
  });
  if (p.kind === 'aead') return new Tls12AeadDecryptor(p, keys(p.keyLength, p.fixedIvLength, 0));
  return new Tls12CbcDecryptor(p, keys(p.keyLength, version === 0x0301 ? p.blockLength : 0, p.macLength), version, etm);
}

describe('random records', () => {
  const suites = decryptableSuites().map((s) => [s.toString(16).padStart(4, '0'), s] as const);
  it.each(suites)('suite 0x%s: ok:false or ok:true, never a throw', (_, suite) => {
    for (const [version, etm] of [[0x0303, false], [0x0303, true], [0x0301, false], [0x0301, true]] as const) {
      const d = decryptorFor(suite, version, etm);
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (fragment, honestHeader) => {
        const h = honestHeader ? header(fragment.length) : header((fragment.length * 7) & 0xffff);
        const r = d.decrypt(h, fragment);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        d.skip(fragment);
      }), { numRuns: 60 });
    }
  });
});

describe('random key log input', () => {
  it('arbitrary text and DSB bytes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), fc.uint8Array({ maxLength: 500 }), (text, bytes) => {
      const k = new KeyLog();
      const found = [k.add(text, 'a'), k.finish('a'), k.addDsb(0x544c534b, bytes)].reduce((n, r) => n + r.issues.length, 0);
      expect(parseDsbSecrets(0x544c534b, bytes).ok).toBe(true);
      // every issue is reported once, by the call that found it, and kept (far below MAX_KEPT_ISSUES)
      expect(k.counts().issues).toBe(found);
      expect(k.issues().length).toBe(found);
      // at most one issue per line
      const lines = text.split('\n').length + bytes.filter((b) => b === 0x0a).length + 1;
      expect(found).toBeLessThanOrEqual(lines);
    }), { numRuns: 200 });
  });
});
