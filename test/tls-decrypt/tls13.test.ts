/**
 * TLS 1.3 key schedule, traffic keys and record protection against RFC 8448 (vectors in
 * helpers/rfc8448-vectors.ts, transcribed from the RFC).
 */
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import {
  Tls13RecordDecryptor, createTls13Decryptor, deriveSecret, deriveTls13TrafficKeys, hkdfExpandLabel, hkdfExtract, hkdfLabel,
  nextTrafficSecret, suiteParams, tls13FinishedVerifyData, tls13KeySchedule, transcriptHash,
  type Tls13SuiteParams,
} from '../../src/tls/decrypt/index.js';
import {
  CERTIFICATE, CERTIFICATE_VERIFY, CLIENT_FINISHED, CLIENT_HELLO, ENCRYPTED_EXTENSIONS, NEW_SESSION_TICKET,
  R3, S3, S4, SERVER_FINISHED, SERVER_HELLO, h,
} from './helpers/rfc8448-vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const AES128GCM = suiteParams(0x1301) as Tls13SuiteParams;
const concat = (...p: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(p));

describe('RFC 8448 §3 key schedule', () => {
  it('transcript hashes of the RFC messages match the RFC hash values', () => {
    expect(hex(transcriptHash('sha256', CLIENT_HELLO, SERVER_HELLO))).toBe(hex(S3.helloHash));
    expect(hex(transcriptHash('sha256', CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE,
      CERTIFICATE_VERIFY, SERVER_FINISHED))).toBe(hex(S3.serverFinishedHash));
    expect(hex(transcriptHash('sha256', CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE,
      CERTIFICATE_VERIFY, SERVER_FINISHED, CLIENT_FINISHED))).toBe(hex(S3.clientFinishedHash));
  });

  it('HkdfLabel encodings ("c hs traffic", "key", "iv")', () => {
    expect(hex(hkdfLabel('c hs traffic', S3.helloHash, 32))).toBe(hex(S3.cHsInfo));
    expect(hex(hkdfLabel('key', new Uint8Array(0), 16))).toBe(hex(S3.keyInfo));
    expect(hex(hkdfLabel('iv', new Uint8Array(0), 12))).toBe(hex(S3.ivInfo));
  });

  it('step by step: extract / derive / extract', () => {
    const early = hkdfExtract('sha256', undefined, new Uint8Array(32));
    expect(hex(early)).toBe(hex(S3.earlySecret));
    const emptyHash = transcriptHash('sha256');
    const derived = deriveSecret('sha256', early, 'derived', emptyHash);
    expect(hex(derived)).toBe(hex(S3.derivedForHandshake));
    const hs = hkdfExtract('sha256', derived, S3.sharedSecret);
    expect(hex(hs)).toBe(hex(S3.handshakeSecret));
    expect(hex(deriveSecret('sha256', hs, 'c hs traffic', S3.helloHash))).toBe(hex(S3.cHsTraffic));
    expect(hex(hkdfExpandLabel('sha256', hs, 's hs traffic', S3.helloHash, 32))).toBe(hex(S3.sHsTraffic));
    expect(hex(deriveSecret('sha256', hs, 'derived', emptyHash))).toBe(hex(S3.derivedForMaster));
  });

  it('full schedule from the shared secret and transcript hashes', () => {
    const s = tls13KeySchedule('sha256', {
      sharedSecret: S3.sharedSecret, serverHelloHash: S3.helloHash,
      serverFinishedHash: S3.serverFinishedHash, clientFinishedHash: S3.clientFinishedHash,
    });
    expect(hex(s.earlySecret)).toBe(hex(S3.earlySecret));
    expect(hex(s.handshakeSecret)).toBe(hex(S3.handshakeSecret));
    expect(hex(s.clientHandshakeTrafficSecret)).toBe(hex(S3.cHsTraffic));
    expect(hex(s.serverHandshakeTrafficSecret)).toBe(hex(S3.sHsTraffic));
    expect(hex(s.masterSecret)).toBe(hex(S3.masterSecret));
    expect(hex(s.clientApplicationTrafficSecret0)).toBe(hex(S3.cApTraffic));
    expect(hex(s.serverApplicationTrafficSecret0)).toBe(hex(S3.sApTraffic));
    expect(hex(s.exporterMasterSecret)).toBe(hex(S3.exporterMaster));
    expect(hex(s.resumptionMasterSecret!)).toBe(hex(S3.resumptionMaster));
    expect(s.clientEarlyTrafficSecret).toBeUndefined();
  });

  it('traffic keys and IVs of all four secrets', () => {
    const k = (secret: Uint8Array) => {
      const t = deriveTls13TrafficKeys(AES128GCM, secret);
      return [hex(t.key), hex(t.iv)];
    };
    expect(k(S3.sHsTraffic)).toEqual([hex(S3.serverHsKey), hex(S3.serverHsIv)]);
    expect(k(S3.cHsTraffic)).toEqual([hex(S3.clientHsKey), hex(S3.clientHsIv)]);
    expect(k(S3.sApTraffic)).toEqual([hex(S3.serverApKey), hex(S3.serverApIv)]);
    expect(k(S3.cApTraffic)).toEqual([hex(S3.clientApKey), hex(S3.clientApIv)]);
  });

  it('Finished verify_data of both sides', () => {
    expect(hex(hkdfExpandLabel('sha256', S3.sHsTraffic, 'finished', new Uint8Array(0), 32))).toBe(hex(S3.serverFinishedKey));
    const serverCvHash = transcriptHash('sha256', CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY);
    expect(hex(tls13FinishedVerifyData('sha256', S3.sHsTraffic, serverCvHash))).toBe(hex(SERVER_FINISHED.subarray(4)));
    expect(hex(tls13FinishedVerifyData('sha256', S3.cHsTraffic, S3.serverFinishedHash))).toBe(hex(CLIENT_FINISHED.subarray(4)));
  });
});

describe('RFC 8448 §3 protected records', () => {
  const open = (d: Tls13RecordDecryptor, record: Uint8Array) => d.decrypt(record.subarray(0, 5), record.subarray(5));

  it('server flight: EncryptedExtensions .. Finished under the server handshake key', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, S3.sHsTraffic);
    const r = open(d, R3.serverHandshake);
    expect(r).toMatchObject({ ok: true, contentType: 22 });
    if (!r.ok) return;
    expect(hex(r.plaintext)).toBe(hex(concat(ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, SERVER_FINISHED)));
    expect(d.sequence).toBe(1n);
  });

  it('server application direction: NewSessionTicket (seq 0), data (seq 1), close_notify (seq 2)', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, S3.sApTraffic);
    const nst = open(d, R3.newSessionTicket);
    expect(nst.ok && nst.contentType === 22 && hex(nst.plaintext)).toBe(hex(NEW_SESSION_TICKET));
    const data = open(d, R3.serverAppData);
    expect(data.ok && data.contentType === 23 && hex(data.plaintext)).toBe(hex(new Uint8Array(50).map((_, i) => i)));
    const alert = open(d, R3.serverAlert);
    expect(alert.ok && alert.contentType === 21 && hex(alert.plaintext)).toBe('0100');
    expect(d.sequence).toBe(3n);
  });

  it('client direction: Finished under the handshake key, then data and close_notify', () => {
    const hs = new Tls13RecordDecryptor(AES128GCM, S3.cHsTraffic);
    const fin = open(hs, R3.clientFinished);
    expect(fin.ok && fin.contentType === 22 && hex(fin.plaintext)).toBe(hex(CLIENT_FINISHED));
    const ap = new Tls13RecordDecryptor(AES128GCM, S3.cApTraffic);
    const data = open(ap, R3.clientAppData);
    expect(data.ok && data.contentType === 23 && hex(data.plaintext)).toBe(hex(new Uint8Array(50).map((_, i) => i)));
    const alert = open(ap, R3.clientAlert);
    expect(alert.ok && alert.contentType === 21 && hex(alert.plaintext)).toBe('0100');
  });

  it('a wrong sequence number or key fails without advancing', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, S3.sApTraffic);
    d.skip(); // now at 1: the NewSessionTicket record was protected with 0
    const r = open(d, R3.newSessionTicket);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('authentication tag mismatch (sequence 1, key generation 0)');
    expect(d.sequence).toBe(1n);
    d.sequence = 0n;
    expect(open(d, R3.newSessionTicket).ok).toBe(true);
    const wrongKey = new Tls13RecordDecryptor(AES128GCM, S3.cApTraffic);
    expect(open(wrongKey, R3.serverAppData).ok).toBe(false);
  });

  it('every single-bit change of a protected record is rejected', () => {
    const rec = R3.serverAlert;
    for (let bit = 0; bit < rec.length * 8; bit++) {
      const bad = new Uint8Array(rec);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const d = new Tls13RecordDecryptor(AES128GCM, S3.sApTraffic);
      d.sequence = 2n;
      expect(open(d, bad).ok, `bit ${bit}`).toBe(false);
    }
  });
});

describe('RFC 8448 §4 early data', () => {
  it('early secret from the PSK, early traffic keys, and the 0-RTT record', () => {
    expect(hex(tls13KeySchedule('sha256', { psk: S4.psk, serverHelloHash: S3.helloHash, serverFinishedHash: S3.helloHash }).earlySecret))
      .toBe(hex(S4.earlySecret));
    const keys = deriveTls13TrafficKeys(AES128GCM, S4.cETraffic);
    expect([hex(keys.key), hex(keys.iv)]).toEqual([hex(S4.earlyKey), hex(S4.earlyIv)]);
    const d = new Tls13RecordDecryptor(AES128GCM, S4.cETraffic);
    const r = d.decrypt(S4.earlyRecord.subarray(0, 5), S4.earlyRecord.subarray(5));
    expect(r.ok && r.contentType === 23 && hex(r.plaintext)).toBe(hex(S4.earlyPayload));
  });
});

describe('Tls13RecordDecryptor edge cases', () => {
  const secret = h('00'.repeat(32));

  it('reports malformed input precisely', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, secret);
    expect(d.decrypt(new Uint8Array(4), new Uint8Array(0))).toEqual({ ok: false, reason: 'record header is 4 bytes, expected 5' });
    expect(d.decrypt(h('1703030020'), new Uint8Array(16))).toEqual({ ok: false, reason: 'record header length 32 differs from the 16 encrypted bytes given' });
    expect(d.decrypt(h('1703030010'), new Uint8Array(16))).toEqual({ ok: false, reason: 'encrypted record length 16 shorter than tag 16 + 1 content type byte' });
    expect(d.decrypt(h('1703034101'), new Uint8Array(0x4101))).toEqual({ ok: false, reason: 'encrypted record length 16641 exceeds 16640 (2^14 + 256)' });
  });

  it('refuses a traffic secret of the wrong length for the hash', () => {
    expect(() => new Tls13RecordDecryptor(suiteParams(0x1302) as Tls13SuiteParams, secret)).toThrow(RangeError);
    expect(createTls13Decryptor(suiteParams(0x1302) as Tls13SuiteParams, secret))
      .toEqual({ ok: false, reason: "traffic secret is 32 bytes, but the suite's hash sha384 needs 48" });
    expect(createTls13Decryptor(AES128GCM, secret).ok).toBe(true);
  });

  it('update() moves to "traffic upd" and resets the sequence number', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, S3.cApTraffic);
    d.skip();
    d.update();
    expect(d.sequence).toBe(0n);
    expect(d.generation).toBe(1);
    const next = nextTrafficSecret('sha256', S3.cApTraffic);
    expect(hex(next)).toBe(hex(hkdfExpandLabel('sha256', S3.cApTraffic, 'traffic upd', new Uint8Array(0), 32)));
  });

  it('the 64-bit sequence number reaches the nonce beyond 2^32', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, secret);
    d.sequence = 0xffffffffn;
    d.skip();
    expect(d.sequence).toBe(0x100000000n);
    d.sequence = (1n << 64n) - 1n;
    d.skip();
    expect(d.decrypt(h('1703030011'), new Uint8Array(17))).toEqual({ ok: false, reason: 'sequence number exhausted (2^64 records)' });
  });

  it('prints no key material', () => {
    const d = new Tls13RecordDecryptor(AES128GCM, S3.cApTraffic);
    const keys = deriveTls13TrafficKeys(AES128GCM, S3.cApTraffic);
    for (const text of [inspect(d), JSON.stringify(d), String(d), inspect(d, { showHidden: true, depth: 9 })]) {
      for (const s of [S3.cApTraffic, keys.key, keys.iv]) expect(text).not.toContain(hex(s));
    }
  });
});
