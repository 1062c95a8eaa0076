/**
 * Robustness: every decoder on random bytes and on mutated real messages (bit flips, truncation at
 * every offset, length fields forced to huge values) must not throw, must finish quickly, must only
 * return views inside its input window (never bytes before/after it: results are identical whatever
 * surrounds the window) and must keep its output proportional to the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as M from '../../src/tls/messages/index.js';
import { bodyOf, fixtureNames, loadFixture, type FixtureMessage } from './golden.js';

type Decoder = (b: Uint8Array) => object;
const ctx = (cipherSuite?: number, version?: number, tls13 = false) => ({ tls13, fromServer: true, cipherSuite, version });

const DECODERS: Record<string, Decoder> = {
  ClientHello: M.decodeClientHello,
  ServerHello: M.decodeServerHello,
  EncryptedExtensions: M.decodeEncryptedExtensions,
  HelloVerifyRequest: M.decodeHelloVerifyRequest,
  Certificate12: (b) => M.decodeCertificate(b, false),
  Certificate13: (b) => M.decodeCertificate(b, true),
  CertificateRequest12: (b) => M.decodeCertificateRequest(b, false),
  CertificateRequest11: (b) => M.decodeCertificateRequest(b, false, 0x0302),
  CertificateRequest13: (b) => M.decodeCertificateRequest(b, true),
  SkeEcdhe: (b) => M.decodeServerKeyExchange(b, ctx(0xc02f)),
  SkeDhe10: (b) => M.decodeServerKeyExchange(b, ctx(0x0039, 0x0301)),
  SkePsk: (b) => M.decodeServerKeyExchange(b, ctx(0x00aa)),
  SkeEcdhePsk: (b) => M.decodeServerKeyExchange(b, ctx(0xd001)),
  SkeRsaExport: (b) => M.decodeServerKeyExchange(b, ctx(0x0003)),
  SkeSrp: (b) => M.decodeServerKeyExchange(b, ctx(0xc01d)),
  SkeGuess: (b) => M.decodeServerKeyExchange(b, ctx()),
  CkeRsa: (b) => M.decodeClientKeyExchange(b, ctx(0x002f)),
  CkeSsl3: (b) => M.decodeClientKeyExchange(b, ctx(0x002f, 0x0300)),
  CkeEcdhePsk: (b) => M.decodeClientKeyExchange(b, ctx(0xd001)),
  CkeDh: (b) => M.decodeClientKeyExchange(b, ctx(0x0030)),
  CkeGuess: (b) => M.decodeClientKeyExchange(b, ctx()),
  CertificateVerify13: (b) => M.decodeCertificateVerify(b, true),
  CertificateVerifyAuto: (b) => M.decodeCertificateVerify(b, false),
  CertificateVerifySsl3: (b) => M.decodeCertificateVerify(b, false, 0x0300),
  Finished: M.decodeFinished,
  NewSessionTicket12: (b) => M.decodeNewSessionTicket(b, false),
  NewSessionTicket13: (b) => M.decodeNewSessionTicket(b, true),
  CertificateStatus: M.decodeCertificateStatus,
  CompressedCertificate: M.decodeCompressedCertificate,
  KeyUpdate: M.decodeKeyUpdate,
  Empty: (b) => M.decodeEmptyMessage(b, 'ServerHelloDone'),
  Sslv2ClientHello: M.decodeSslv2ClientHello,
  Sslv2Handshake: M.decodeSslv2Handshake,
};

/** Copy `bytes` into a larger buffer filled with `pad` and return the window. */
function windowed(bytes: Uint8Array, pad: number): Uint8Array {
  const big = new Uint8Array(bytes.length + 64).fill(pad);
  big.set(bytes, 32);
  return big.subarray(32, 32 + bytes.length);
}

/** Walk a result: every view lies in the window; count array elements. */
function audit(value: unknown, win: Uint8Array, seen = new Set<object>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof Uint8Array) {
    expect(value.buffer).toBe(win.buffer);
    expect(value.byteOffset).toBeGreaterThanOrEqual(win.byteOffset);
    expect(value.byteOffset + value.length).toBeLessThanOrEqual(win.byteOffset + win.length);
    return 0;
  }
  let n = Array.isArray(value) ? value.length : 0;
  for (const v of Object.values(value)) n += audit(v, win, seen);
  return n;
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `view:${x.length}:${Array.from(x.subarray(0, 8)).join(',')}` : x));

/** Decode in two different surroundings; check no throw, speed, views, size, JSON-safety. */
function check(name: string, decode: Decoder, bytes: Uint8Array): void {
  const a = windowed(bytes, 0x00);
  const t0 = performance.now();
  const ra = decode(a) as { warnings: string[]; details?: unknown };
  const ms = performance.now() - t0;
  expect(ms, `${name} took ${ms} ms on ${bytes.length} bytes`).toBeLessThan(250);
  const rb = decode(windowed(bytes, 0xff));
  expect(stable(rb), `${name}: result depends on bytes outside the input`).toBe(stable(ra));
  expect(Array.isArray(ra.warnings)).toBe(true);
  const elements = audit(ra, a);
  expect(elements, `${name}: ${elements} array elements from ${bytes.length} bytes`).toBeLessThanOrEqual(2 * bytes.length + 8);
  if (ra.details !== undefined) {
    const json = JSON.stringify(ra.details);
    expect(JSON.parse(json)).toEqual(ra.details);
    expect(json.length).toBeLessThanOrEqual(64 * bytes.length + 2048);
  }
}

function checkHandshake(type: number, bytes: Uint8Array, tls13: boolean, cipherSuite?: number): void {
  const r = M.decodeHandshake(type, windowed(bytes, 0), { tls13, fromServer: true, cipherSuite });
  expect(r.warnings.some((w) => typeof w !== 'string' && w.code === 'tls-decoder-internal-error'), JSON.stringify(r.warnings)).toBe(false);
  check(`decodeHandshake(${type})`, (b) => M.decodeHandshake(type, b, { tls13, fromServer: true, cipherSuite }), bytes);
}

/** Real messages by decoder, from the committed fixtures. */
function realMessages(): Array<{ decoder: string; m: FixtureMessage; bytes: Uint8Array; tls13: boolean; suite?: number }> {
  const out: Array<{ decoder: string; m: FixtureMessage; bytes: Uint8Array; tls13: boolean; suite?: number }> = [];
  const byType: Record<number, (tls13: boolean) => string> = {
    1: () => 'ClientHello', 2: () => 'ServerHello', 4: (t) => (t ? 'NewSessionTicket13' : 'NewSessionTicket12'),
    8: () => 'EncryptedExtensions', 11: (t) => (t ? 'Certificate13' : 'Certificate12'),
    12: () => 'SkeGuess', 13: (t) => (t ? 'CertificateRequest13' : 'CertificateRequest12'), 14: () => 'Empty',
    15: (t) => (t ? 'CertificateVerify13' : 'CertificateVerifyAuto'), 16: () => 'CkeGuess', 20: () => 'Finished',
    24: () => 'KeyUpdate', 5: () => 'Empty',
  };
  for (const base of fixtureNames()) {
    let tls13 = false;
    let suite: number | undefined;
    for (const m of loadFixture(base).messages) {
      if (m.hex === undefined) continue;
      const bytes = bodyOf(m);
      if (m.type === 2 && !m.sslv2) {
        const sh = M.decodeServerHello(bytes);
        tls13 = sh.version === 0x0304;
        suite = sh.cipherSuite;
      }
      out.push({ decoder: m.sslv2 ? 'Sslv2ClientHello' : byType[m.type](tls13), m, bytes, tls13, suite });
    }
  }
  return out;
}
const REAL = realMessages();

describe('random bytes', () => {
  for (const [name, decode] of Object.entries(DECODERS)) {
    it(name, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => check(name, decode, bytes)), { numRuns: 300 });
    });
  }

  it('decodeHandshake with any type, TLS 1.2/1.3 context and cipher suite', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), fc.constantFrom(undefined, 0xc02f, 0x009e, 0x00a8, 0x1301, 0xffff), fc.uint8Array({ maxLength: 800 }),
        (type, tls13, suite, bytes) => checkHandshake(type, bytes, tls13, suite)),
      { numRuns: 2000 },
    );
  });
});

describe('mutated real messages', () => {
  it(`${REAL.length} real messages decode cleanly as they are`, () => {
    expect(REAL.length).toBeGreaterThan(120);
    for (const r of REAL) check(r.decoder, DECODERS[r.decoder], r.bytes);
  });

  it('truncation at every offset', () => {
    for (const r of REAL) {
      // A hello may legally end before its extensions block (TLS 1.0/1.1): no warning there.
      let helloEnd = -1;
      if (r.decoder === 'ClientHello') {
        const ch = M.decodeClientHello(r.bytes);
        helloEnd = 35 + ch.sessionId.length + 2 + 2 * ch.cipherSuites.length + 1 + ch.compressionMethods.length;
      } else if (r.decoder === 'ServerHello') {
        helloEnd = 35 + M.decodeServerHello(r.bytes).sessionId.length + 3;
      }
      const win = windowed(r.bytes, 0);
      for (let cut = 0; cut < r.bytes.length; cut++) {
        const res = DECODERS[r.decoder](win.subarray(0, cut)) as { warnings: string[] };
        const lengthOnly = r.decoder === 'Finished' || r.decoder === 'CkeGuess';
        if (!lengthOnly && cut !== helloEnd && res.warnings.length === 0) {
          throw new Error(`${r.decoder} cut at ${cut}/${r.bytes.length} gave no warning`);
        }
      }
      const step = Math.max(1, Math.floor(r.bytes.length / 40));
      for (let cut = 0; cut < r.bytes.length; cut += step) check(r.decoder, DECODERS[r.decoder], r.bytes.subarray(0, cut));
    }
  });

  it('length fields forced to huge values at every offset', () => {
    for (const r of REAL) {
      const win = windowed(r.bytes, 0); // mutated in place and restored: no copy per offset
      for (let i = 0; i + 1 < r.bytes.length; i++) {
        for (const huge of [[0xff, 0xff], [0xff, 0xff, 0xff], [0x80, 0x00]]) {
          const n = Math.min(huge.length, win.length - i);
          const saved = win.slice(i, i + n);
          win.set(huge.slice(0, n), i);
          const res = DECODERS[r.decoder](win) as { warnings: string[] };
          if (!Array.isArray(res.warnings)) throw new Error(`${r.decoder}: no warnings array at offset ${i}`);
          win.set(saved, i);
        }
      }
      for (let i = 0; i + 2 < r.bytes.length; i += Math.max(1, Math.floor(r.bytes.length / 30))) {
        const bytes = r.bytes.slice();
        bytes.set([0xff, 0xff, 0xff], i);
        check(r.decoder, DECODERS[r.decoder], bytes);
      }
    }
  });

  it('random bit flips (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), (r, flips) => {
        const bytes = r.bytes.slice();
        for (const [pos, bit] of flips) if (bytes.length > 0) bytes[pos % bytes.length] ^= 1 << bit;
        check(r.decoder, DECODERS[r.decoder], bytes);
        checkHandshake(r.m.type, bytes, r.tls13, r.suite);
      }),
      { numRuns: 1500 },
    );
  });
});
