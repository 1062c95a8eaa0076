/** Unit tests of the TLS 1.3 size inference on synthetic record sequences (both stack shapes). */
import { describe, expect, it } from 'vitest';
import { inferTls13 } from '../../src/analysis/infer-tls13.js';
import type { EventModel } from '../../src/analysis/model.js';

let frame = 10;
function rec(dir: 'c' | 's', length: number): EventModel {
  return { frame: frame++, time: '2026-01-01T00:00:00Z', direction: dir === 'c' ? 'client->server' : 'server->client', kind: 'encrypted', visibility: 'plaintext', length, recordIndex: 0, streamOffset: 0 };
}
const SHA256 = 'TLS_AES_128_GCM_SHA256'; // Finished record: 4 + 32 + 17 = 53; empty Certificate: 25; alert: 19
const SHA384 = 'TLS_AES_256_GCM_SHA384'; // Finished record: 69
const CCM8 = 'TLS_AES_128_CCM_8_SHA256'; // tag 8: Finished 45, empty Certificate 17, alert 11

describe('inferTls13', () => {
  it('separate records: CertificateRequest + client Certificate/CertificateVerify/Finished, then tickets', () => {
    const ev = [rec('s', 23), rec('s', 121), rec('s', 966), rec('s', 96), rec('s', 69), rec('c', 940), rec('c', 97), rec('c', 69), rec('s', 714)];
    const r = inferTls13(ev, SHA384);
    expect(r.requested).toBe(true);
    expect(r.clientCert).toBe('sent');
    expect(r.certEvent).toBe(ev[5]);
    expect(r.continued).toBe(true);
    expect(ev.map((e) => e.type)).toEqual(['EncryptedExtensions', 'CertificateRequest', 'Certificate', 'CertificateVerify', 'Finished', 'Certificate', 'CertificateVerify', 'Finished', 'NewSessionTicket']);
    expect(ev.every((e) => e.visibility === 'inferred')).toBe(true);
  });

  it('empty Certificate (25 bytes) then an alert-sized record and close: rejection', () => {
    const ev = [rec('s', 23), rec('s', 121), rec('s', 966), rec('s', 95), rec('s', 53), rec('c', 25), rec('c', 53), rec('s', 19)];
    const r = inferTls13(ev, SHA256);
    expect(r.clientCert).toBe('empty');
    expect(r.alertEvent).toBe(ev[7]);
    expect(r.reasons.join(' ')).toMatch(/empty Certificate \+ Finished/);
  });

  it('no CertificateRequest: 4 server records, client Finished only', () => {
    const ev = [rec('s', 30), rec('s', 900), rec('s', 95), rec('s', 53), rec('c', 53), rec('s', 200)];
    const r = inferTls13(ev, SHA256);
    expect(r.requested).toBe(false);
    expect(r.clientCert).toBe('none');
  });

  it('CCM_8 tag sizes', () => {
    const ev = [rec('s', 15), rec('s', 113), rec('s', 958), rec('s', 87), rec('s', 45), rec('c', 17), rec('c', 45), rec('s', 11)];
    const r = inferTls13(ev, CCM8);
    expect(r.clientCert).toBe('empty');
    expect(r.alertEvent).toBe(ev[7]);
  });

  it('coalesced stacks (Go/rustls shape): one server record, one client record', () => {
    // empty Certificate (8) + Finished (36) + 17 = 61 bytes in one record
    const empty = [rec('s', 1500), rec('c', 61), rec('s', 19)];
    const r1 = inferTls13(empty, SHA256);
    expect(r1.clientCert).toBe('empty');
    expect(r1.alertEvent).toBe(empty[2]);
    // Certificate + CertificateVerify + Finished in one 1100-byte record
    const sent = [rec('s', 1500), rec('c', 1100), rec('s', 300)];
    const r2 = inferTls13(sent, SHA256);
    expect(r2.clientCert).toBe('sent');
    expect(r2.continued).toBe(true);
    // the server flight alone says nothing about a CertificateRequest
    expect(r2.requested).toBe(true); // known only because the client sent a certificate
  });

  it('shapes that fit nothing stay unknown, and nothing is labelled', () => {
    const ev = [rec('s', 40), rec('s', 41), rec('s', 42), rec('c', 77), rec('c', 78), rec('c', 79), rec('c', 80)];
    const r = inferTls13(ev, SHA256);
    expect(r.clientCert).toBeUndefined();
    expect(r.requested).toBeUndefined();
    expect(ev.every((e) => e.type === undefined && e.visibility === 'plaintext')).toBe(true);
  });

  it('the client sends nothing after the server flight (it aborted): the flight is still named, requested, client silent', () => {
    const ev = [rec('s', 23), rec('s', 121), rec('s', 966), rec('s', 96), rec('s', 69)];
    const r = inferTls13(ev, SHA384);
    expect(r.requested).toBe(true);
    expect(r.clientSilent).toBe(true);
    expect(r.clientCert).toBeUndefined();
    expect(r.alertEvent).toBeUndefined();
    expect(ev.map((e) => e.type)).toEqual(['EncryptedExtensions', 'CertificateRequest', 'Certificate', 'CertificateVerify', 'Finished']);
    // ... and an alert-sized server record after it (OpenSSL answering the client's FIN) is labelled an alert
    const ev2 = [rec('s', 23), rec('s', 121), rec('s', 966), rec('s', 96), rec('s', 69), rec('s', 19)];
    const r2 = inferTls13(ev2, SHA384);
    expect(r2.alertEvent).toBe(ev2[5]);
    expect(ev2[5].type).toBe('Alert');
    // a larger record after the flight is not a shape we name
    const ev3 = [rec('s', 23), rec('s', 121), rec('s', 966), rec('s', 96), rec('s', 69), rec('s', 300)];
    const r3 = inferTls13(ev3, SHA384);
    expect(r3.requested).toBeUndefined();
    expect(r3.clientSilent).toBeUndefined();
  });
});
