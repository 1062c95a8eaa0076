/**
 * QUIC packet protection against the published vectors: RFC 9001 Appendix A (v1) and RFC 9369
 * Appendix A (v2): Initial keys from the DCID 0x8394c8f03e515708, header protection masks (AES
 * and ChaCha20), AEAD, packet number recovery (RFC 9000 A.3), v2 long packet types.
 */
import { describe, expect, it } from 'vitest';
import { decodePacketNumber, initialKeys, parseFrames, parseLongHeader, quicVersion, secretKeys, unprotect } from '../../src/quic/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const DCID = hex('8394c8f03e515708');
const V1 = quicVersion(1)!;
const V2 = quicVersion(0x6b3343cf)!;

// RFC 9369 A.3: the server's Initial (ServerHello), packet number 1
const V2_SERVER_INITIAL = hex(`dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698
  baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17 f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2
  c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8 4bed8521e2e140`);
const V2_SERVER_PAYLOAD = `02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739
  88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94 0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00 020304`.replace(/\s+/g, '');
const A5_SECRET = hex('9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b');

describe('QUIC Initial keys and header protection', () => {
  it('v1 client Initial mask for the RFC 9001 A.2 sample', () => {
    expect(toHex(initialKeys(V1, DCID).client.mask(hex('d1b1c98dd7689fb8ec11d242b123dc9b')))).toBe('437b9aec36');
  });

  it('v2 client Initial mask for the RFC 9369 A.2 sample (salt and "quicv2" labels)', () => {
    expect(toHex(initialKeys(V2, DCID).client.mask(hex('ffe67b6abcdb4298b485dd04de806071')))).toBe('94a0c95e80');
    expect(toHex(initialKeys(V2, DCID).server.mask(hex('6f05d8a4398c47089698baeea26b91eb')))).toBe('4dd92e91ea');
  });

  it('decrypts the RFC 9369 A.3 server Initial and finds its ACK and CRYPTO frames', () => {
    const h = parseLongHeader(V2_SERVER_INITIAL, 0);
    if (typeof h === 'string') throw new Error(h);
    expect([h.type, h.version, toHex(h.scid), h.end]).toEqual(['Initial', 0x6b3343cf, 'f067a5502a4262b5', V2_SERVER_INITIAL.length]);
    const r = unprotect(V2_SERVER_INITIAL, h, initialKeys(V2, DCID).server, -1);
    if (typeof r === 'string') throw new Error(r);
    expect(r.pn).toBe(1);
    expect(toHex(r.payload)).toBe(V2_SERVER_PAYLOAD);
    const crypto: Array<[number, number, number]> = [];
    const why = parseFrames(r.payload, { crypto: (o, d) => crypto.push([o, d.length, d[0]!]), close: () => undefined, newConnectionId: () => undefined, handshakeDone: () => undefined });
    expect(why).toBe('');
    expect(crypto).toEqual([[0, 90, 2]]); // ServerHello (type 2), 90 bytes at offset 0
  });

  it('does not decrypt the v2 packet with v1 keys', () => {
    const h = parseLongHeader(V2_SERVER_INITIAL, 0);
    if (typeof h === 'string') throw new Error(h);
    expect(unprotect(V2_SERVER_INITIAL, h, initialKeys(V1, DCID).server, -1)).toBe('AEAD authentication failed');
  });

  it('reads the RFC 9369 A.4 Retry (v2 type bits 0b00)', () => {
    const retry = hex('cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe3395 2d955543665dcc7b6');
    const h = parseLongHeader(retry, 0);
    if (typeof h === 'string') throw new Error(h);
    expect([h.type, Buffer.from(h.token!).toString('latin1'), toHex(h.scid)]).toEqual(['Retry', 'token', 'f067a5502a4262b5']);
  });
});

describe('QUIC ChaCha20-Poly1305 short header (RFC 9001 A.5, RFC 9369 A.5)', () => {
  for (const [v, packet] of [
    [V1, '4cfe4189655e5cd55c41f69080575d7999c25a5bfb'],
    [V2, '5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba'],
  ] as const) {
    it(`${v.name}: packet number 654360564, PING`, () => {
      const k = secretKeys(v, 0x1303, A5_SECRET);
      if (typeof k === 'string') throw new Error(k);
      const d = hex(packet);
      const r = unprotect(d, { form: 'short', type: '1-RTT', dcid: new Uint8Array(0), pnOffset: 1, start: 0, end: d.length }, k, 654360563);
      if (typeof r === 'string') throw new Error(r);
      expect([r.pn, toHex(r.payload)]).toEqual([654360564, '01']);
      expect(toHex(d)).toBe(packet); // the capture bytes are not modified
    });
  }
});

describe('QUIC packet numbers', () => {
  it('recovers RFC 9000 A.3: largest 0xa82f30ea, 16-bit 0x9b32 -> 0xa82f9b32', () => {
    expect(decodePacketNumber(0xa82f30ea, 0x9b32, 16)).toBe(0xa82f9b32);
  });
  it('first packet, wrap-around forward and backward', () => {
    expect(decodePacketNumber(-1, 0, 8)).toBe(0);
    expect(decodePacketNumber(255, 0x01, 8)).toBe(257);
    expect(decodePacketNumber(300, 0xff, 8)).toBe(255);
  });
});

describe('secretKeys refuses what QUIC cannot use', () => {
  it('TLS_AES_128_CCM_8_SHA256 and wrong secret lengths', () => {
    expect(secretKeys(V1, 0x1305, new Uint8Array(32))).toMatch(/CCM_8/);
    expect(secretKeys(V1, 0x1302, new Uint8Array(32))).toMatch(/48|does not fit/);
  });
});
