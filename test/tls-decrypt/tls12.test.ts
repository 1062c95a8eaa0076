/**
 * TLS 1.0-1.2 PRF and record decryption. PRF vectors: the TLS WG mailing-list vectors for P_SHA256
 * / P_SHA384 (also reproduced by `openssl kdf ... TLS1-PRF`) and the widely used TLS 1.0 vector;
 * error paths use records built here with node:crypto from chosen keys.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  Secret, Tls12AeadDecryptor, Tls12CbcDecryptor, Tls12KeyBlock, createTls12Decryptors, suiteParams,
  tls10Prf, tls12Prf, type Tls12AeadSuiteParams, type Tls12CbcSuiteParams,
} from '../../src/tls/decrypt/index.js';
import { h } from './helpers/rfc8448-vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('PRF', () => {
  it('TLS 1.2 P_SHA256 vector (100 bytes)', () => {
    const out = tls12Prf('sha256', h('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'), 'test label',
      h('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'), 100);
    expect(hex(out)).toBe(hex(h(`e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95
      32 9b 52 d4 e6 1e db 5a 6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af 0f a0 22 f7 07 7d ef 17
      ab fd 37 97 c0 56 4b ab 4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 22 ee 42 c5
      a7 2e 5a 51 10 ff f7 01 87 34 7b 66`)));
  });

  it('TLS 1.2 P_SHA384 vector (148 bytes)', () => {
    const out = tls12Prf('sha384', h('b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df'), 'test label',
      h('cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65'), 148);
    expect(hex(out)).toBe(hex(h(`7b 0c 18 e9 ce d4 10 ed 18 04 f2 cf a3 4a 33 6a 1c 14 df fb 49 00 bb 5f
      d7 94 21 07 e8 1c 83 cd e9 ca 0f aa 60 be 9f e3 4f 82 b1 23 3c 91 46 a0 e5 34 cb 40 0f ed 27 00
      88 4f 9d c2 36 f8 0e dd 8b fa 96 11 44 c9 e8 d7 92 ec a7 22 a7 b3 2f c3 d4 16 d4 73 eb c2 c5 fd
      4a bf da d0 5d 91 84 25 9b 5b f8 cd 4d 90 fa 0d 31 e2 de c4 79 e4 f1 a2 60 66 f2 ee a9 a6 92 36
      a3 e5 26 55 c9 e9 ae e6 91 c8 f3 a2 68 54 30 8d 5e aa 3b e8 5e 09 90 70 3d 73 e5 6f`)));
  });

  it('TLS 1.0/1.1 MD5 xor SHA-1 vector (104 bytes)', () => {
    const out = tls10Prf(new Uint8Array(48).fill(0xab), 'PRF Testvector', new Uint8Array(64).fill(0xcd), 104);
    expect(hex(out)).toBe('d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754443bcf9a296519bc'
      + '289abcbc1187e4ebd31e602353776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de98'
      + '10454b8b2d8f1afbc655a8c9a013');
  });

  it('TLS 1.0 PRF with an odd-length secret (halves share the middle byte)', () => {
    // openssl kdf -keylen 40 -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:0102..17 (23 bytes)
    //   -kdfopt seed:"odd secret" -kdfopt hexseed:aabbcc TLS1-PRF
    const secret = new Uint8Array(23).map((_, i) => i + 1);
    expect(hex(tls10Prf(secret, 'odd secret', h('aabbcc'), 40))).toBe(
      'cdcd48acdc00c640eb51366fb728a7159c73135aad6968a64bd8a8723881d8a20c4a60e254ce2042');
  });

  it('refuses absurd output lengths', () => {
    expect(() => tls12Prf('sha256', new Uint8Array(1), 'x', new Uint8Array(1), 1 << 20)).toThrow(RangeError);
  });
});

describe('key block', () => {
  const master = new Uint8Array(48).fill(7);
  const cr = new Uint8Array(32).fill(1);
  const sr = new Uint8Array(32).fill(2);

  it('splits MAC keys, keys and IVs per suite and version', () => {
    const gcm = Tls12KeyBlock.derive(master, cr, sr, suiteParams(0xc02f) as Tls12AeadSuiteParams, 0x0303);
    expect([gcm.client.macKey.length, gcm.client.key.length, gcm.client.iv.length]).toEqual([0, 16, 4]);
    const chacha = Tls12KeyBlock.derive(master, cr, sr, suiteParams(0xcca8) as Tls12AeadSuiteParams, 0x0303);
    expect([chacha.server.key.length, chacha.server.iv.length]).toEqual([32, 12]);
    const cbc12 = Tls12KeyBlock.derive(master, cr, sr, suiteParams(0xc028) as Tls12CbcSuiteParams, 0x0303);
    expect([cbc12.client.macKey.length, cbc12.client.key.length, cbc12.client.iv.length]).toEqual([48, 32, 0]);
    const cbc10 = Tls12KeyBlock.derive(master, cr, sr, suiteParams(0x000a) as Tls12CbcSuiteParams, 0x0301);
    expect([cbc10.client.macKey.length, cbc10.client.key.length, cbc10.client.iv.length]).toEqual([20, 24, 8]);
  });

  it('key block = PRF(master, "key expansion", server_random + client_random), in RFC order', () => {
    const params = suiteParams(0xc013) as Tls12CbcSuiteParams;
    const kb = Tls12KeyBlock.derive(master, cr, sr, params, 0x0303);
    const block = tls12Prf('sha256', master, 'key expansion', new Uint8Array([...sr, ...cr]), 2 * (20 + 16));
    expect(hex(kb.client.macKey.reveal())).toBe(hex(block.subarray(0, 20)));
    expect(hex(kb.server.macKey.reveal())).toBe(hex(block.subarray(20, 40)));
    expect(hex(kb.client.key.reveal())).toBe(hex(block.subarray(40, 56)));
    expect(hex(kb.server.key.reveal())).toBe(hex(block.subarray(56, 72)));
  });

  it('prints redacted', () => {
    const kb = Tls12KeyBlock.derive(master, cr, sr, suiteParams(0xc013) as Tls12CbcSuiteParams, 0x0303);
    const text = inspect(kb) + JSON.stringify(kb) + inspect(kb.client, { depth: 5 });
    expect(text).not.toContain(hex(kb.client.key.reveal()));
    expect(text).not.toContain(hex(kb.client.macKey.reveal()));
    expect(JSON.stringify(kb)).toContain('[secret: 16 bytes]');
  });
});

describe('createTls12Decryptors refusals', () => {
  const m = new Uint8Array(48);
  const r = new Uint8Array(32);
  it.each([
    [0x1301, 0x0303, 'cipher suite TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite'],
    [0x0005, 0x0303, 'cipher suite 0x0005 is not supported for decryption'],
    [0xc02f, 0x0302, 'cipher suite TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 needs TLS 1.2 or later'],
    [0xc027, 0x0301, 'cipher suite TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 needs TLS 1.2 or later'],
    [0xc013, 0x0300, 'protocol version 0x0300 is not TLS 1.0-1.2'],
  ])('suite %s version %s', (suite, version, reason) => {
    expect(createTls12Decryptors(m, r, r, suite, version, false)).toEqual({ ok: false, reason });
  });
  it('wrong master secret length', () => {
    expect(createTls12Decryptors(new Uint8Array(32), r, r, 0xc013, 0x0303, false))
      .toEqual({ ok: false, reason: 'master secret is 32 bytes, expected 48' });
  });
});

// ---- CBC records built here ------------------------------------------------------------------

const CBC = suiteParams(0xc013) as Tls12CbcSuiteParams; // AES-128-CBC, HMAC-SHA1
const KEY = new Uint8Array(16).fill(0x11);
const MAC_KEY = new Uint8Array(20).fill(0x22);
const keys = (iv = new Uint8Array(0)) => ({ macKey: new Secret(MAC_KEY), key: new Secret(KEY), iv: new Secret(iv) });

function pseudo(seq: number, type: number, len: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeBigUInt64BE(BigInt(seq), 0);
  b[8] = type;
  b.writeUInt16BE(0x0303, 9);
  b.writeUInt16BE(len, 11);
  return b;
}

interface Build { seq?: number; padByte?: number; lastByte?: number; etm?: boolean }

/** A TLS 1.2 CBC record (header, fragment) of `content`, optionally broken. */
function cbcRecord(content: Uint8Array, o: Build = {}): [Uint8Array, Uint8Array] {
  const seq = o.seq ?? 0;
  const iv = new Uint8Array(16).fill(0x33);
  const mac = (data: Uint8Array, len: number) => createHmac('sha1', MAC_KEY).update(pseudo(seq, 23, len)).update(data).digest();
  const enc = (plain: Uint8Array) => {
    const c = createCipheriv('aes-128-cbc', KEY, iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(plain), c.final()]);
  };
  const body = o.etm ? Buffer.from(content) : Buffer.concat([content, mac(content, content.length)]);
  const padLength = 15 - (body.length % 16);
  const pad = Buffer.alloc(padLength + 1, padLength);
  if (o.padByte !== undefined) pad[0] = o.padByte;
  if (o.lastByte !== undefined) pad[padLength] = o.lastByte;
  let fragment = Buffer.concat([iv, enc(Buffer.concat([body, pad]))]);
  if (o.etm) fragment = Buffer.concat([fragment, mac(fragment, fragment.length)]);
  const header = new Uint8Array([23, 3, 3, fragment.length >> 8, fragment.length & 0xff]);
  return [header, fragment];
}

describe('CBC decryption', () => {
  const text = new TextEncoder().encode('GET / HTTP/1.1\r\n');

  it('MAC-then-encrypt and encrypt-then-MAC records decrypt', () => {
    const mte = new Tls12CbcDecryptor(CBC, keys(), 0x0303, false);
    const [h1, f1] = cbcRecord(text);
    expect(mte.decrypt(h1, f1)).toEqual({ ok: true, contentType: 23, plaintext: expect.anything() });
    const etm = new Tls12CbcDecryptor(CBC, keys(), 0x0303, true);
    const [h2, f2] = cbcRecord(text, { etm: true });
    const r = etm.decrypt(h2, f2);
    expect(r.ok && Buffer.from(r.plaintext).toString()).toBe('GET / HTTP/1.1\r\n');
  });

  it("a wrong MAC is 'bad MAC' (both modes)", () => {
    const mte = new Tls12CbcDecryptor(CBC, keys(), 0x0303, false);
    const [h1, f1] = cbcRecord(text, { seq: 5 }); // MAC computed for sequence 5, decryptor at 0
    expect(mte.decrypt(h1, f1)).toEqual({ ok: false, reason: 'bad MAC' });
    expect(mte.sequence).toBe(0n);
    const etm = new Tls12CbcDecryptor(CBC, keys(), 0x0303, true);
    const [h2, f2] = cbcRecord(text, { etm: true });
    f2[f2.length - 1]! ^= 1;
    expect(etm.decrypt(h2, f2)).toEqual({ ok: false, reason: 'bad MAC' });
  });

  it('bad padding is reported with its cause', () => {
    const d = new Tls12CbcDecryptor(CBC, keys(), 0x0303, false);
    const [h1, f1] = cbcRecord(text, { padByte: 0x99 });
    const r1 = d.decrypt(h1, f1);
    // 16 bytes of text + 20 of MAC: 11 padding bytes of value 11, then the length byte 11.
    expect(r1).toEqual({ ok: false, reason: 'bad padding: byte 0 of 11 is 153, expected 11' });
    const [h2, f2] = cbcRecord(text, { lastByte: 100 });
    expect(d.decrypt(h2, f2)).toEqual({ ok: false, reason: 'bad padding: padding length 100 + 1 + MAC 20 exceeds the 48 decrypted bytes' });
  });

  it('lengths that cannot be CBC records', () => {
    const d = new Tls12CbcDecryptor(CBC, keys(), 0x0303, false);
    expect(d.decrypt(h('170303001f'), new Uint8Array(31))).toEqual({ ok: false, reason: 'CBC record length 31 too short for explicit IV 16 + MAC 20 + padding' });
    expect(d.decrypt(h('1703030031'), new Uint8Array(49))).toEqual({ ok: false, reason: 'CBC ciphertext length 33 is not a multiple of the 16-byte block size' });
    const e = new Tls12CbcDecryptor(CBC, keys(), 0x0303, true);
    expect(e.decrypt(h('1703030030'), new Uint8Array(48))).toEqual({ ok: false, reason: 'CBC record length 48 too short for explicit IV 16 + MAC 20 + one block' });
  });
});

describe('AEAD decryption errors', () => {
  const params = suiteParams(0xc02f) as Tls12AeadSuiteParams;
  const d = new Tls12AeadDecryptor(params, { macKey: new Secret(new Uint8Array(0)), key: new Secret(new Uint8Array(16)), iv: new Secret(new Uint8Array(4)) });
  it('short and forged records', () => {
    expect(d.decrypt(h('1703030017'), new Uint8Array(23))).toEqual({ ok: false, reason: 'encrypted record length 23 shorter than explicit nonce 8 + tag 16' });
    expect(d.decrypt(h('1703030018'), new Uint8Array(24))).toEqual({ ok: false, reason: 'authentication tag mismatch (sequence 0)' });
    expect(d.decrypt(h('1703034801'), new Uint8Array(0x4801))).toEqual({ ok: false, reason: 'encrypted record length 18433 exceeds 18432 (2^14 + 2048)' });
  });
  it('prints no key', () => {
    expect(inspect(d) + JSON.stringify(d)).not.toMatch(/0{32}/);
  });
});
