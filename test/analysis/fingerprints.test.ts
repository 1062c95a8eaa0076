/**
 * JA4 / JA4_r against the values of FoxIO's specification (technical_details/JA4.md, its own
 * example, checked by hand), and JA3 / JA3S on constructed hellos: GREASE, no SNI, no ALPN, ALPN
 * with non-alphanumeric bytes, the QUIC / DTLS prefix.
 */
import { describe, expect, it } from 'vitest';
import { fingerprints, ja3Full, ja4, ja4Alpn } from '../../src/analysis/fingerprints.js';
import type { ClientHelloFacts } from '../../src/tls/events.js';

const hex = (s: string): number[] => s.split(',').map((x) => parseInt(x, 16));

/** The specification's example ClientHello (JA4.md "Cipher hash" / "Extension hash"). */
function specHello(): ClientHelloFacts {
  return {
    version: 0x0303,
    cipherSuites: hex('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035'),
    extensions: hex('001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015'),
    supportedGroups: [0x001d, 0x0017, 0x0018],
    pointFormats: [0],
    signatureAlgorithms: hex('0403,0804,0401,0503,0805,0501,0806,0601'),
    supportedVersions: [0x0304, 0x0303],
    alpnFirst: 'h2',
  };
}

describe('JA4 (FoxIO specification example)', () => {
  it('equals the specification: t13d1516h2_8daaf6152771_e5627efa2ab1', () => {
    expect(ja4(specHello()).ja4).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
  });

  it('JA4_r equals the specification raw fingerprint', () => {
    expect(ja4(specHello()).ja4_r).toBe(
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_' +
        '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });

  it('without signature algorithms the extension hash has no underscore part (6d807ffa2a79)', () => {
    const r = ja4({ ...specHello(), signatureAlgorithms: [] });
    expect(r.ja4).toBe('t13d1516h2_8daaf6152771_6d807ffa2a79');
    expect(r.ja4_r.endsWith('_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01')).toBe(true);
  });

  it('ignores GREASE in ciphers, extensions, versions and signature algorithms', () => {
    const h = specHello();
    const g: ClientHelloFacts = {
      ...h,
      cipherSuites: [0x3a3a, ...h.cipherSuites],
      extensions: [0x0a0a, ...h.extensions, 0xfafa],
      supportedVersions: [0x7a7a, ...h.supportedVersions],
      signatureAlgorithms: [0x9a9a, ...h.signatureAlgorithms],
    };
    expect(ja4(g)).toEqual(ja4(h));
  });

  it('no SNI gives "i", no ALPN "00"', () => {
    const h = specHello();
    const noSni = { ...h, extensions: h.extensions.filter((e) => e !== 0) };
    expect(ja4(noSni).ja4.slice(0, 10)).toBe('t13i1515h2');
    // SNI and ALPN are not in the extension hash: dropping SNI changes only the a part
    expect(ja4(noSni).ja4.slice(10)).toBe('_8daaf6152771_e5627efa2ab1');
    const noAlpn = { ...h, extensions: h.extensions.filter((e) => e !== 0x10), alpnFirst: undefined };
    expect(ja4(noAlpn).ja4).toBe('t13d151500_8daaf6152771_e5627efa2ab1');
    expect(ja4({ ...h, alpnFirst: '' }).ja4.slice(0, 10)).toBe('t13d151600');
  });

  it('ALPN: first and last character; hex when a byte is not alphanumeric (the specification cases)', () => {
    expect(ja4Alpn('http/1.1')).toBe('h1');
    expect(ja4Alpn('h')).toBe('hh');
    expect(ja4Alpn('\xab')).toBe('ab');
    expect(ja4Alpn('\xab\xcd')).toBe('ad');
    expect(ja4Alpn('\x30\xab')).toBe('3b');
    expect(ja4Alpn('\x30\x31\xab\xcd')).toBe('3d');
    expect(ja4Alpn('\x30\xab\xcd\x31')).toBe('01');
    expect(ja4Alpn(undefined)).toBe('00');
  });

  it('QUIC and DTLS prefixes by parameter; TLS 1.2 without supported_versions; counts capped at 99', () => {
    expect(ja4(specHello(), 'q').ja4.startsWith('q13d1516h2_')).toBe(true);
    const tls12 = { ...specHello(), extensions: specHello().extensions.filter((e) => e !== 0x2b), supportedVersions: [] };
    expect(ja4(tls12).ja4.slice(0, 10)).toBe('t12d1515h2');
    const many = { ...specHello(), cipherSuites: Array.from({ length: 120 }, (_, i) => 0x1000 + i) };
    expect(ja4(many).ja4.slice(0, 10)).toBe('t13d9916h2');
    const dtls = { ...specHello(), version: 0xfefd, extensions: [0x000d], supportedVersions: [] };
    expect(ja4(dtls, 'd').ja4.slice(0, 10)).toBe('dd2i150100');
  });

  it('no ciphers and no extensions hash to 000000000000', () => {
    const empty: ClientHelloFacts = { ...specHello(), cipherSuites: [], extensions: [0x0000, 0x0010], signatureAlgorithms: [] };
    expect(ja4(empty).ja4).toBe('t12d0002h2_000000000000_000000000000');
  });
});

describe('JA3 / JA3S', () => {
  it('decimal lists joined by "-", GREASE left out of ciphers, extensions and groups', () => {
    const h: ClientHelloFacts = {
      version: 771,
      cipherSuites: [0x0a0a, 4865, 4866],
      extensions: [0x2a2a, 0, 10, 11, 0xdada],
      supportedGroups: [0x6a6a, 29, 23],
      pointFormats: [0],
      signatureAlgorithms: [],
      supportedVersions: [],
    };
    expect(ja3Full(h)).toBe('771,4865-4866,0-10-11,29-23,0');
    // md5sum of the string above, computed outside
    expect(fingerprints(h, undefined)?.ja3).toBe('38eaca597c62da4c9db8cfad482f14ad');
    expect(fingerprints(h, undefined)?.ja3s).toBeUndefined();
  });

  it('JA3S: version, cipher, extensions', () => {
    const f = fingerprints(undefined, { version: 771, cipherSuite: 4865, extensions: [43, 0x3a3a, 51] });
    expect(f?.ja3s_full).toBe('771,4865,43-51');
    expect(f?.ja3s).toBe('f4febc55ea12b31ae17cfb7e614afda8');
    expect(f?.ja4).toBeUndefined();
  });

  it('nothing without hellos', () => {
    expect(fingerprints(undefined, undefined)).toBeUndefined();
  });
});
