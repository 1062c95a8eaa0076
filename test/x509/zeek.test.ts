/**
 * Real certificates from test/fixtures/zeek/client-certificate.pcap (extracted with
 * test/fixtures/x509/extract-zeek.py), compared with tshark 4.0's reading (zeek-tshark.json) and
 * with `openssl x509 -inform DER -noout -subject -issuer -nameopt RFC2253` (literals below).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CertificateCache } from '../../src/tls/x509/index.js';
import { derFile, fixturePath } from './fixtures.js';

interface TsharkCert {
  file: string;
  serialNumber: string;
  signatureAlgorithm: string;
  publicKeyAlgorithm: string;
  issuer: Array<Array<[string, string]>>;
  subject: Array<Array<[string, string]>>;
  notBefore: string;
  notAfter: string;
  dNSNames: string[];
  rfc822Names: string[];
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  keyPurposeIds: string[];
}

const golden = JSON.parse(readFileSync(fixturePath('zeek-tshark.json'), 'utf8')) as { certificates: TsharkCert[] };

// Independent name tables for turning tshark's OIDs into the expected strings.
const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
};
const PURPOSE: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
};

function rfc4514FromTshark(rdns: Array<Array<[string, string]>>): string {
  return rdns
    .map((r) => r.map(([oid, v]) => `${SHORT[oid]}=${v}`).join('+'))
    .reverse()
    .join(',');
}

function isoFromTshark(t: string): string {
  // "2023-01-04 16:14:07 (UTC)" → "2023-01-04T16:14:07Z"
  return t.replace(' (UTC)', 'Z').replace(' ', 'T');
}

// openssl x509 -inform DER -noout -subject -issuer -nameopt RFC2253 / -text (key size).
const OPENSSL: Record<string, { subject: string; issuer: string; publicKey: string; serial: string }> = {
  'zeek-client-certificate-frame11-0.der': {
    subject: 'CN=certauth.idrix.fr',
    issuer: "CN=R3,O=Let's Encrypt,C=US",
    publicKey: 'RSA 2048',
    serial: '045A905E1EA86942AC3857B481D6DE9A85CB',
  },
  'zeek-client-certificate-frame11-1.der': {
    subject: "CN=R3,O=Let's Encrypt,C=US",
    issuer: 'CN=ISRG Root X1,O=Internet Security Research Group,C=US',
    publicKey: 'RSA 2048',
    serial: '912B084ACF0C18A753F6D62E25A75F5A',
  },
  'zeek-client-certificate-frame11-2.der': {
    subject: 'CN=ISRG Root X1,O=Internet Security Research Group,C=US',
    issuer: 'CN=DST Root CA X3,O=Digital Signature Trust Co.',
    publicKey: 'RSA 4096',
    serial: '4001772137D4E942B8EE76AA3C640AB7',
  },
  'zeek-client-certificate-frame15-0.der': {
    subject: 'CN=johanna@corelight.com',
    issuer: 'CN=Actalis Client Authentication CA G3,O=Actalis S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT',
    publicKey: 'RSA 2048',
    serial: '075DA21171A41241766CC01CA59852B1',
  },
  'zeek-client-certificate-frame15-1.der': {
    subject: 'CN=Actalis Client Authentication CA G3,O=Actalis S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT',
    issuer: 'CN=Actalis Authentication Root CA,O=Actalis S.p.A./03358520967,L=Milan,C=IT',
    publicKey: 'RSA 4096',
    serial: '17103EDE3D8A1CB5CA065193E7CA436B',
  },
};

describe('certificates from the Zeek client-certificate capture', () => {
  const cache = new CertificateCache();
  it('has the five certificates tshark saw', () => {
    expect(golden.certificates.map((c) => c.file)).toEqual(Object.keys(OPENSSL));
  });

  it.each(golden.certificates.map((c) => [c.file, c] as const))('%s matches tshark and openssl', (file, t) => {
    const info = cache.get(derFile(file));
    const o = OPENSSL[file]!;
    expect(info.error).toBeUndefined();
    expect(info.subject).toBe(rfc4514FromTshark(t.subject));
    expect(info.issuer).toBe(rfc4514FromTshark(t.issuer));
    expect(info.subject).toBe(o.subject);
    expect(info.issuer).toBe(o.issuer);
    // tshark shows the DER INTEGER bytes (00 sign byte included), openssl the value.
    expect(info.serialNumber).toBe(o.serial.toLowerCase());
    expect(t.serialNumber.replace(/:/g, '').replace(/^00(?=[89a-f])/, '')).toBe(info.serialNumber);
    expect(info.notBefore).toBe(isoFromTshark(t.notBefore));
    expect(info.notAfter).toBe(isoFromTshark(t.notAfter));
    expect(t.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(t.publicKeyAlgorithm).toBe('1.2.840.113549.1.1.1');
    expect(info.publicKey).toBe(o.publicKey);
    expect(info.subjectAltNames).toEqual([
      ...t.dNSNames.map((d) => `DNS:${d}`),
      ...t.rfc822Names.map((e) => `email:${e}`),
    ]);
    expect(info.extendedKeyUsage).toEqual(t.keyPurposeIds.map((p) => PURPOSE[p]));
    expect(info.subjectKeyIdentifier).toBe(t.subjectKeyIdentifier?.replace(/:/g, '') ?? undefined);
    expect(info.authorityKeyIdentifier).toBe(t.authorityKeyIdentifier?.replace(/:/g, '') ?? undefined);
    expect(info.selfSigned).toBe(false);
  });

  it('reads key usage and CA flags like openssl -ext keyUsage,basicConstraints', () => {
    const leaf = cache.get(derFile('zeek-client-certificate-frame15-0.der'));
    expect(leaf.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']); // Digital Signature, Key Encipherment
    expect(leaf.basicConstraints).toEqual({ ca: false });
    const r3 = cache.get(derFile('zeek-client-certificate-frame11-1.der'));
    expect(r3.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(r3.basicConstraints).toEqual({ ca: true, pathLen: 0 }); // CA:TRUE, pathlen:0
  });
});
