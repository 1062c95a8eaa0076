/**
 * QUIC on awkward and hostile input: CRYPTO frames split over several Initial packets, out of
 * order, duplicated and coalesced (the ClientHello still decodes once, in the frame that completed
 * it); CRYPTO reassembly and connection tables stay within their limits; malformed packets are
 * warnings. Packets are sealed here with RFC 9001 Initial keys (node:crypto), the ClientHello
 * comes from the real ngtcp2 capture.
 */
import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import { CryptoStream, MAX_CRYPTO_BUFFERED, QuicStage, initialKeys, parseFrames, parseLongHeader, quicVersion, unprotect } from '../../src/quic/index.js';
import { hkdfExpandLabel, hkdfExtract } from '../../src/tls/decrypt/hkdf.js';
import type { TlsFacts } from '../../src/tls/events.js';
import { readPcap } from '../net/read-pcap.js';

const V1 = quicVersion(1)!;
const SALT = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const CAP = join(import.meta.dirname, '..', '..', 'captures', 'quic', 'quic-v1-mtls-ok.pcap');

/** The ClientHello CRYPTO bytes of the capture's first Initial. */
function clientHello(): Uint8Array {
  const udp = readPcap(CAP).frames[0]!.data.subarray(42);
  const h = parseLongHeader(udp, 0);
  if (typeof h === 'string') throw new Error(h);
  const r = unprotect(udp, h, initialKeys(V1, h.dcid).client, -1);
  if (typeof r === 'string') throw new Error(r);
  let ch = new Uint8Array(0);
  parseFrames(r.payload, { crypto: (_o, d) => (ch = Uint8Array.from(d)), close: () => undefined, newConnectionId: () => undefined, handshakeDone: () => undefined });
  return ch;
}

function varint2(n: number): number[] {
  return [0x40 | (n >> 8), n & 0xff];
}

/** A client Initial (v1) with the given frames, sealed with the Initial keys of `dcid`. */
function sealInitial(dcid: Uint8Array, scid: Uint8Array, pn: number, frames: Uint8Array): Uint8Array {
  const label = (secret: Uint8Array, l: string, n: number) => hkdfExpandLabel('sha256', secret, l, new Uint8Array(0), n);
  const secret = label(hkdfExtract('sha256', SALT, dcid), 'client in', 32);
  const key = label(secret, 'quic key', 16);
  const iv = Uint8Array.from(label(secret, 'quic iv', 12));
  const hp = label(secret, 'quic hp', 16);
  const payload = frames.length < 20 ? Uint8Array.from([...frames, ...new Array(20 - frames.length).fill(0)]) : frames;
  const header = Uint8Array.from([0xc3, 0, 0, 0, 1, dcid.length, ...dcid, scid.length, ...scid, 0, ...varint2(4 + payload.length + 16), pn >>> 24, (pn >> 16) & 0xff, (pn >> 8) & 0xff, pn & 0xff]);
  for (let i = 0; i < 4; i++) iv[8 + i] ^= header[header.length - 4 + i]!;
  const c = createCipheriv('aes-128-gcm', key, iv);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
  const pkt = Uint8Array.from([...header, ...ct]);
  const pnOff = header.length - 4;
  const e = createCipheriv('aes-128-ecb', hp, null);
  const mask = e.update(pkt.subarray(pnOff + 4, pnOff + 20));
  pkt[0] ^= mask[0]! & 0x0f;
  for (let i = 0; i < 4; i++) pkt[pnOff + i] ^= mask[1 + i]!;
  return pkt;
}

function cryptoFrame(off: number, data: Uint8Array): Uint8Array {
  return Uint8Array.from([0x06, ...varint2(off), ...varint2(data.length), ...data]);
}

/** Ethernet + IPv4 + UDP around a payload (127.0.0.1:40000 -> 127.0.0.1:443 or back). */
function frame(payload: Uint8Array, fromClient = true): Uint8Array {
  const ports = fromClient ? [40000, 443] : [443, 40000];
  const ip = [0x45, 0, ...varint2raw(28 + payload.length), 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1];
  const udp = [ports[0]! >> 8, ports[0]! & 0xff, ports[1]! >> 8, ports[1]! & 0xff, ...varint2raw(8 + payload.length), 0, 0];
  return Uint8Array.from([...new Array(12).fill(0), 0x08, 0x00, ...ip, ...udp, ...payload]);
}
function varint2raw(n: number): number[] {
  return [n >> 8, n & 0xff];
}

function run(frames: Uint8Array[], limits = {}): { facts: TlsFacts[]; stage: QuicStage } {
  const facts: TlsFacts[] = [];
  const stage = new QuicStage({ complete: (_c, f) => facts.push(f) }, {}, limits);
  const seg = newTcpSegment();
  frames.forEach((f, i) => {
    expect(decodePacket(1, f, seg)).toBe('not-tcp');
    stage.datagram(i + 1, i, 0, seg);
  });
  stage.flush();
  return { facts, stage };
}

const DCID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const SCID = Uint8Array.from([9, 9, 9, 9]);

describe('CRYPTO reassembly across Initial packets', () => {
  it('a ClientHello in 3 Initials sent out of order with a duplicate, one coalesced datagram: decoded once, in the completing frame', () => {
    const ch = clientHello();
    expect(ch[0]).toBe(1);
    const a = ch.subarray(0, 100);
    const b = ch.subarray(100, 250);
    const c = ch.subarray(250);
    const p0 = sealInitial(DCID, SCID, 0, cryptoFrame(250, c));
    const p1 = sealInitial(DCID, SCID, 1, cryptoFrame(100, b));
    const p2 = sealInitial(DCID, SCID, 2, Uint8Array.from([...cryptoFrame(0, a), 0x01])); // + PING
    const dup = sealInitial(DCID, SCID, 3, cryptoFrame(100, b));
    // frame 1: the last part; frame 2: the middle one and a duplicate of it coalesced; frame 3: the first part
    const { facts } = run([frame(p0), frame(Uint8Array.from([...p1, ...dup, 0, 0, 0])), frame(p2)]);
    expect(facts.length).toBe(1);
    const hs = facts[0]!.events.filter((e) => e.kind === 'handshake');
    expect(hs.map((e) => [e.type, e.frame, e.streamOffset, e.recordIndex])).toEqual([['ClientHello', 3, 0, 2]]);
    expect(facts[0]!.serverName).toBe('localhost');
    expect(facts[0]!.warnings).toEqual([]);
  });

  it('CryptoStream delivers every byte once, in order, whatever the order and overlap of the pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.array(fc.tuple(fc.nat(2999), fc.integer({ min: 1, max: 400 })), { maxLength: 40 }), (data, cuts) => {
        const pieces = cuts.map(([o, l]) => [Math.min(o, data.length - 1), l] as const).map(([o, l]) => ({ o, d: data.subarray(o, Math.min(data.length, o + l)) }));
        pieces.push({ o: 0, d: data }); // the whole stream arrives at last
        const out: number[] = [];
        let next = 0;
        const s = new CryptoStream((off, bytes) => {
          expect(off).toBe(next);
          next += bytes.length;
          out.push(...bytes);
        }, () => undefined);
        for (const p of pieces) s.push(p.o, p.d, { frame: 1, pn: 0, tsSec: 0, tsNsec: 0 });
        expect(Uint8Array.from(out)).toEqual(data);
        expect(s.waiting).toBe(0);
      }),
    );
  });

  it('out-of-order CRYPTO data beyond the budget is dropped with a warning, never buffered', () => {
    const warnings: string[] = [];
    const codes = new Set<string>();
    const s = new CryptoStream(() => undefined, (code, m) => {
      codes.add(code);
      warnings.push(m);
    });
    const chunk = new Uint8Array(16 * 1024);
    for (let i = 1; i <= 40; i++) s.push(i * chunk.length, chunk, { frame: i, pn: i, tsSec: 0, tsNsec: 0 });
    s.push(5 * 1024 * 1024, chunk, { frame: 99, pn: 99, tsSec: 0, tsNsec: 0 }); // far ahead
    expect(s.waiting).toBeLessThanOrEqual(MAX_CRYPTO_BUFFERED);
    expect(s.waiting).toBe(MAX_CRYPTO_BUFFERED);
    expect(warnings.length).toBe(40 - MAX_CRYPTO_BUFFERED / chunk.length + 1);
    expect(warnings[0]).toMatch(/dropped: more out-of-order handshake data than the reassembly limit/);
    expect([...codes]).toEqual(['quic-crypto-reassembly-limit']);
  });
});

describe('QUIC connection tables and malformed packets', () => {
  it('a flood of Initials with new DCIDs: at most maxConnections open, every one reported, CIDs bounded', () => {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) frames.push(frame(sealInitial(Uint8Array.from([i >> 8, i & 0xff, 1, 2, 3, 4, 5, 6]), SCID, 0, Uint8Array.from([0x01]))));
    const { facts, stage } = run(frames, { maxConnections: 50, maxCids: 100 });
    expect(facts.length).toBe(300);
    expect(stage.warnings.some((w) => w.code === 'quic-connection-limit' && /more than 50 QUIC connections open at once/.test(w.message))).toBe(true);
    expect(facts.every((f) => f.quic?.udpStream === 0)).toBe(true);
  });

  it('truncated and damaged long headers are warnings, and the connection goes on', () => {
    const good = sealInitial(DCID, SCID, 0, cryptoFrame(0, clientHello()));
    const cut = good.subarray(0, 30); // Length runs past the datagram
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] ^= 0xff; // AEAD tag broken
    const { facts } = run([frame(good), frame(cut), frame(bad)]);
    expect(facts.length).toBe(1);
    expect(facts[0]!.events.filter((e) => e.kind === 'handshake').length).toBe(1);
    const header = facts[0]!.warnings.find((w) => /Initial packet length \d+ greater than the \d+ bytes left in the datagram/.test(w.message));
    const decrypt = facts[0]!.warnings.find((w) => /Initial packet in frame 3 did not decrypt: AEAD authentication failed/.test(w.message));
    expect(header).toMatchObject({ code: 'quic-header-malformed', frame: 2, side: 0 });
    expect(decrypt).toMatchObject({ code: 'quic-packet-decrypt-failed', frame: 3, side: 0 });
  });
});

describe('QUIC secrets that arrive after the packets', () => {
  it('Handshake packets kept while the key log is empty are decrypted when the connection completes (pcapng DSB at the end, live key log)', async () => {
    const { KeyMaterial } = await import('../../src/tls/keys.js');
    const dir = join(import.meta.dirname, '..', '..', 'captures', 'quic');
    const km = new KeyMaterial();
    km.lateKeys = true;
    const facts: TlsFacts[] = [];
    const stage = new QuicStage({ complete: (_c, f) => facts.push(f) }, { keys: km.provider() });
    const seg = newTcpSegment();
    readPcap(join(dir, 'quic-v1-no-cert.pcap')).frames.forEach((f, i) => {
      expect(decodePacket(1, f.data, seg)).toBe('not-tcp');
      stage.datagram(i + 1, i, 0, seg);
    });
    km.addFile(join(dir, 'quic-v1-no-cert.keys')); // the secrets come after every packet
    stage.flush();
    const f = facts[0]!;
    expect(f.decrypted).toBe(true);
    expect(f.events.map((e) => `${e.frame} ${e.kind === 'alert' ? `alert ${e.alertCode}` : e.type}`)).toEqual([
      '1 ClientHello', '2 ServerHello', '2 EncryptedExtensions', '2 CertificateRequest', '2 Certificate', '2 CertificateVerify', '2 Finished',
      '4 Certificate', '4 Finished', '5 alert 116',
    ]);
    expect(f.encryptedRecords).toEqual([0, 0]);
  });
});
