/**
 * CertificateVerify signatures (src/tls/cert-verify.ts, src/tls/transcript.ts): the RFC 8448 §3
 * vector (rsa_pss_rsae_sha256 over a TLS 1.3 transcript), the transcript's refusals (no
 * ClientHello, a lost message, out-of-order flights), and real captures: valid on every accepted
 * connection, invalid on every key-mismatch capture, with and without key logs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSignature, tls13SignedContent } from '../../src/tls/cert-verify.js';
import { HandshakeTranscript, newTranscriptBudget } from '../../src/tls/transcript.js';
import { newTlsFacts } from '../../src/tls/facts.js';
import { CERTIFICATE, CERTIFICATE_VERIFY, CLIENT_HELLO, ENCRYPTED_EXTENSIONS, SERVER_HELLO } from '../tls-decrypt/helpers/rfc8448-vectors.js';
import { analyse } from '../helpers/analyse.js';
import { openCaptureFile } from '../../src/capture/index.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import type { ConnectionModel } from '../../src/analysis/model.js';


const CAPTURES = join(import.meta.dirname, '../../captures');

function pemDer(path: string): Uint8Array {
  const body = readFileSync(path, 'ascii').split('-----BEGIN CERTIFICATE-----')[1]!.split('-----END CERTIFICATE-----')[0]!;
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

/** RFC 8448 §3: the server's certificate (first entry of the Certificate message). */
function rfc8448ServerCert(): Uint8Array {
  // type(1) len(3) context_len(1)=0 list_len(3) cert_len(3) cert
  const len = (CERTIFICATE[8] << 16) | (CERTIFICATE[9] << 8) | CERTIFICATE[10];
  return CERTIFICATE.subarray(11, 11 + len);
}

function rfc8448SignedContent(): Buffer {
  const h = createHash('sha256'); // TLS_AES_128_GCM_SHA256
  for (const m of [CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE]) h.update(m);
  return tls13SignedContent(h.digest(), true);
}

describe('checkSignature', () => {
  const cv = CERTIFICATE_VERIFY.subarray(4); // scheme(2) len(2) signature
  const scheme = (cv[0] << 8) | cv[1];
  const signature = cv.subarray(4);

  it('verifies the RFC 8448 §3 server CertificateVerify (rsa_pss_rsae_sha256, TLS 1.3 content)', () => {
    const r = checkSignature(rfc8448ServerCert(), scheme, signature, rfc8448SignedContent());
    expect(r).toEqual({ checked: true, valid: true, scheme: 'rsa_pss_rsae_sha256' });
  });

  it('rejects it over a different transcript, with the client context string, or with one bit flipped', () => {
    const content = rfc8448SignedContent();
    const h = createHash('sha256');
    for (const m of [CLIENT_HELLO, SERVER_HELLO, CERTIFICATE]) h.update(m); // EncryptedExtensions left out
    expect(checkSignature(rfc8448ServerCert(), scheme, signature, tls13SignedContent(h.digest(), true)).valid).toBe(false);
    const asClient = Buffer.from(content);
    asClient.write('client', 64 + 'TLS 1.3, '.length, 'latin1');
    expect(checkSignature(rfc8448ServerCert(), scheme, signature, asClient)).toMatchObject({ checked: true, valid: false });
    const flipped = Uint8Array.from(signature);
    flipped[10] ^= 1;
    expect(checkSignature(rfc8448ServerCert(), scheme, flipped, content)).toMatchObject({ checked: true, valid: false });
  });

  it('says a scheme that does not fit the key is invalid, and an unknown scheme unchecked', () => {
    const ec = pemDer(join(CAPTURES, 'pki/client.pem'));
    const r = checkSignature(ec, 0x0804, signature, rfc8448SignedContent());
    expect(r).toMatchObject({ checked: true, valid: false });
    expect(r.reason).toContain('EC prime256v1 key');
    expect(checkSignature(ec, 0xfefe, signature, rfc8448SignedContent())).toMatchObject({ checked: false });
  });

  it('never throws on arbitrary certificates, schemes and signatures', () => {
    const der = rfc8448ServerCert();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 300 }), fc.boolean(), (junk, code, sig, realCert) => {
        const r = checkSignature(realCert ? der : junk, code, sig, junk);
        expect(typeof r.checked).toBe('boolean');
        if (!realCert) expect(r.valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('HandshakeTranscript refuses to judge an incomplete transcript', () => {
  const msg = (type: number, body: number[] = []) => new Uint8Array([type, 0, 0, body.length, ...body]);
  const cv = msg(15, [0x04, 0x03, 0, 2, 1, 2]);
  const leaf = () => pemDer(join(CAPTURES, 'pki/client.pem'));

  it('a CertificateVerify without the ClientHello', () => {
    const f = newTlsFacts();
    new HandshakeTranscript().message(true, cv, f, false, 7);
    expect(f.clientCertificateVerify).toMatchObject({ checked: false, frame: 7 });
    expect(f.clientCertificateVerify?.reason).toContain('ClientHello was not captured');
  });

  function tls12(lost: boolean, clientFirst = false) {
    const f = newTlsFacts();
    const t = new HandshakeTranscript(undefined, true);
    t.message(true, msg(1, [3, 3]), f, false, 1);
    f.version = 0x0303;
    f.cipherSuite = 0xc02b;
    t.message(false, msg(2, [3, 3]), f, false, 2);
    t.message(false, msg(13), f, false, 2);
    if (!clientFirst) t.message(false, msg(14), f, false, 2);
    t.message(true, msg(11), f, lost, 3, leaf());
    t.message(true, cv, f, false, 3);
    return f.clientCertificateVerify;
  }

  it('a lost message, or the client flight before the ServerHelloDone', () => {
    expect(tls12(false)).toMatchObject({ checked: true, valid: false, scheme: 'ecdsa_secp256r1_sha256' });
    expect(tls12(true)).toMatchObject({ checked: false });
    expect(tls12(true)?.reason).toContain('lost');
    expect(tls12(false, true)).toMatchObject({ checked: false });
    expect(tls12(false, true)?.reason).toContain('ServerHelloDone');
  });

  it('TLS 1.3 whose server flight was not decrypted', () => {
    const f = newTlsFacts();
    const t = new HandshakeTranscript();
    t.message(true, msg(1), f, false, 1);
    Object.assign(f, { version: 0x0304, cipherSuite: 0x1301 });
    t.message(false, msg(2), f, false, 2);
    t.message(true, msg(11), f, false, 3, leaf());
    t.message(true, cv, f, false, 3);
    expect(f.clientCertificateVerify).toMatchObject({ checked: false });
    expect(f.clientCertificateVerify?.reason).toContain('not decrypted');
  });

  it('handshakes in progress at once share a bounded budget, given back when each is over', () => {
    const budget = newTranscriptBudget(1300);
    const f1 = newTlsFacts();
    const f2 = newTlsFacts();
    const t1 = new HandshakeTranscript(budget, true);
    const t2 = new HandshakeTranscript(budget, true);
    t1.message(true, msg(1, new Array(200).fill(7)), f1, false, 1);
    expect(budget.used).toBe(204);
    t2.message(true, msg(1, new Array(200).fill(7)), f2, false, 1);
    for (const [t, f] of [[t1, f1], [t2, f2]] as const) {
      f.version = 0x0303;
      t.message(false, msg(2, new Array(250).fill(1)), f, false, 2);
      t.message(false, msg(13), f, false, 2);
      t.message(false, msg(14), f, false, 2);
    }
    // both flights: 2 × (204 + 254 + 4 + 4) = 932 bytes; t1's client Certificate (304) fits in 1300, t2's does not
    t1.message(true, msg(11, new Array(300).fill(0)), f1, false, 3, leaf());
    t2.message(true, msg(11, new Array(300).fill(0)), f2, false, 3, leaf());
    t1.message(true, cv, f1, false, 3);
    t2.message(true, cv, f2, false, 3);
    expect(f1.clientCertificateVerify).toMatchObject({ checked: true, valid: false });
    expect(f2.clientCertificateVerify).toMatchObject({ checked: false });
    expect(f2.clientCertificateVerify?.reason).toContain('too many handshakes in progress');
    expect(budget.used).toBe(0);
  });

  it('a TLS 1.2 handshake without CertificateRequest keeps nothing and reports nothing', () => {
    const f = newTlsFacts();
    const t = new HandshakeTranscript();
    t.message(true, msg(1), f, false, 1);
    f.version = 0x0303;
    t.message(false, msg(2), f, false, 2);
    t.message(false, msg(14), f, false, 2);
    t.message(true, msg(11), f, false, 3, leaf());
    t.message(true, cv, f, false, 3);
    expect(f.clientCertificateVerify).toBeUndefined();
  });
});

/** Real captures: [name, expected validity, keylog needed to see the CertificateVerify]. */
const CASES: Array<[string, boolean]> = [
  ['tls12-key-mismatch', false],
  ['tls13-key-mismatch', false],
  ['gnutls-tls12-key-mismatch', false],
  ['gnutls-tls13-key-mismatch', false],
  ['tls12-mtls-ok', true],
  ['tls13-mtls-ok', true],
  ['tls13-hrr', true],
  ['gnutls-tls12-mtls-ok', true],
  ['gnutls-tls13-mtls-ok', true],
  ['node-tls12-mtls-ok', true],
  ['node-tls13-mtls-ok', true],
  ['gnutls-tls13-rsa-pss-ok', true],
  ['gnutls-tls12-rsa-pkcs1-ok', true],
  ['gnutls-tls13-ed25519-ok', true],
  ['gnutls-tls12-ed25519-ok', true],
  ['gnutls-tls13-expired', true],
  ['gnutls-tls12-not-yet-valid', true],
  ['gnutls-tls13-sclient-wrong-ca', true],
];

/** The pipeline with every CertificateVerify checked, also where the server went on after it. */
async function checkAll(name: string): Promise<ConnectionModel[]> {
  const keys = new KeyMaterial();
  keys.addFile(join(CAPTURES, `${name}.keys`));
  const out: ConnectionModel[] = [];
  const p = new Pipeline({ keys, tls: { checkAllSignatures: true }, analysis: { includeNonTls: false, keepBytes: false }, onConnection: (c) => out.push(c) });
  await p.run(await openCaptureFile(join(CAPTURES, `${name}.pcap`)));
  return out;
}

describe('client CertificateVerify on real captures', () => {
  for (const [name, valid] of CASES) {
    it(`${name}: signature ${valid ? 'valid' : 'INVALID'}`, async () => {
      expect(existsSync(join(CAPTURES, `${name}.pcap`))).toBe(true);
      const connections = await checkAll(name);
      expect(connections.length).toBe(1);
      const cv = connections[0].clientCertificate.certificateVerify;
      expect(cv).toMatchObject({ checked: true, valid });
      if (!valid) expect(cv?.reason).toContain('does not verify');
    });
  }

  it('by default a signature is checked only when the server answered with an alert or the connection ended', async () => {
    for (const name of ['tls13-mtls-ok', 'gnutls-tls12-mtls-ok', 'tls13-hrr']) {
      const { connections } = await analyse(join(CAPTURES, `${name}.pcap`), { keylog: join(CAPTURES, `${name}.keys`), all: false });
      const cv = connections[0].clientCertificate.certificateVerify;
      expect(cv).toMatchObject({ checked: false });
      expect(cv?.valid).toBeUndefined();
      expect(cv?.reason).toMatch(/^not needed: the server went on/);
    }
    for (const [name, valid] of [['gnutls-tls13-expired', true], ['gnutls-tls12-key-mismatch', false], ['node-tls13-wrong-ca', true]] as const) {
      const { connections } = await analyse(join(CAPTURES, `${name}.pcap`), { keylog: join(CAPTURES, `${name}.keys`), all: false });
      expect(connections[0].clientCertificate.certificateVerify).toMatchObject({ checked: true, valid });
    }
  });

  it('TLS 1.2 needs no key log (the handshake is in clear); TLS 1.3 without keys reports nothing', async () => {
    const t12 = await analyse(join(CAPTURES, 'tls12-key-mismatch.pcap'));
    expect(t12.connections[0].clientCertificate.certificateVerify).toMatchObject({ checked: true, valid: false });
    const t13 = await analyse(join(CAPTURES, 'tls13-key-mismatch.pcap'));
    expect(t13.connections[0].clientCertificate.certificateVerify).toBeUndefined();
  });
});
