/**
 * CertInfo fields of the openssl-made fixtures, against values recorded from the openssl CLI:
 *   openssl x509 -in F.pem -noout -subject -issuer -nameopt RFC2253,-esc_msb
 *   openssl x509 -in F.pem -noout -fingerprint -sha256 -serial -dates -text
 *   openssl asn1parse -in F.pem   (offsets of the issuer and subject Names)
 */
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/tls/x509/index.js';
import { opensslHex, pemDer } from './fixtures.js';

const JAN_2024 = 1704067200000;
const JAN_2124 = 4859740800000;

describe('parseCertificate on openssl fixtures', () => {
  it('reads the EC P-256 client certificate like openssl', () => {
    const info = parseCertificate(pemDer('client-ec'));
    expect(info.error).toBeUndefined();
    expect(info.warnings).toEqual([]);
    expect(info.subject).toBe('CN=test-client,O=Example');
    expect(info.issuer).toBe('CN=Test Intermediate CA,O=tls-inspect Tests');
    expect(info.serialNumber).toBe('2000');
    expect(info.notBefore).toBe('2024-01-01T00:00:00Z');
    expect(info.notAfter).toBe('2124-01-01T00:00:00Z');
    expect(info.notBeforeMs).toBe(JAN_2024);
    expect(info.notAfterMs).toBe(JAN_2124);
    expect(info.sha256).toBe('66a36b483016cc23454750fef62e820615455dcec54caeb1f49fd8c9de92b632');
    expect(info.subjectAltNames).toEqual(['DNS:localhost', 'IP:127.0.0.1', 'email:client@example.com']);
    expect(info.extendedKeyUsagePresent).toBe(true);
    expect(info.extendedKeyUsage).toEqual(['clientAuth']);
    expect(info.keyUsagePresent).toBe(true);
    expect(info.keyUsage).toEqual(['digitalSignature']);
    expect(info.basicConstraints).toEqual({ ca: false });
    expect(info.publicKey).toBe('EC P-256');
    expect(info.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(info.selfSigned).toBe(false);
    expect(info.subjectKeyIdentifier).toBe(opensslHex('45:1F:2D:29:74:C0:34:D0:72:86:6D:8C:C0:23:92:E8:07:9F:B2:22'));
    expect(info.authorityKeyIdentifier).toBe(opensslHex('C4:82:56:53:98:01:2C:29:35:4A:31:C3:A2:BA:DF:F4:ED:F8:85:77'));
  });

  it('exposes the issuer and subject Name DER as views into its own copy (asn1parse offsets 29+61, 124+42)', () => {
    const der = pemDer('client-ec');
    const info = parseCertificate(der);
    expect(info.der).not.toBe(der);
    expect(info.der).toEqual(der);
    expect(info.issuerDer!.buffer).toBe(info.der.buffer);
    expect(info.subjectDer!.buffer).toBe(info.der.buffer);
    expect([info.issuerDer!.byteOffset, info.issuerDer!.byteLength]).toEqual([29, 61]);
    expect([info.subjectDer!.byteOffset, info.subjectDer!.byteLength]).toEqual([124, 42]);
    expect(Buffer.from(info.subjectDer!)).toEqual(Buffer.from(der.subarray(124, 166)));
  });

  it('reads the RSA 2048 self-signed root', () => {
    const info = parseCertificate(pemDer('root-rsa'));
    expect(info.subject).toBe('CN=Test Root CA,O=tls-inspect Tests');
    expect(info.issuer).toBe('CN=Test Root CA,O=tls-inspect Tests');
    expect(info.serialNumber).toBe('1000');
    expect(info.publicKey).toBe('RSA 2048');
    expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(info.selfSigned).toBe(true);
    expect(info.basicConstraints).toEqual({ ca: true });
    expect(info.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(info.extendedKeyUsagePresent).toBe(false);
    expect(info.subjectKeyIdentifier).toBe(opensslHex('3B:77:E6:9B:8C:05:E5:B2:E0:3D:40:87:6D:B0:1B:E1:B2:0E:D3:A7'));
    expect(info.authorityKeyIdentifier).toBeUndefined();
    expect(info.sha256).toBe('5fc9c17a24256e09ce65bdcbe7b5173e57ff4db35e4f85607211bb1955872010');
  });

  it('reads the intermediate CA with pathlen 0', () => {
    const info = parseCertificate(pemDer('inter-ec'));
    expect(info.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect(info.publicKey).toBe('EC P-256');
    expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(info.selfSigned).toBe(false);
    expect(info.serialNumber).toBe('1001');
  });

  it('reads the Ed25519 server certificate and an Ed25519-signed certificate', () => {
    const server = parseCertificate(pemDer('server-ed25519'));
    expect(server.subject).toBe('CN=localhost');
    expect(server.publicKey).toBe('Ed25519');
    expect(server.extendedKeyUsage).toEqual(['serverAuth']);
    // openssl prints the IPv6 address as 0:0:0:0:0:0:0:1; the report uses the RFC 5952 form.
    expect(server.subjectAltNames).toEqual(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
    const root = parseCertificate(pemDer('other-root'));
    expect(root.signatureAlgorithm).toBe('ED25519');
    expect(root.selfSigned).toBe(true);
    expect(parseCertificate(pemDer('other-client')).signatureAlgorithm).toBe('ED25519');
  });

  it('reads the expired leaf dates (openssl ca -startdate 20200101000000Z -enddate 20210101000000Z)', () => {
    const info = parseCertificate(pemDer('expired-ec'));
    expect(info.notBefore).toBe('2020-01-01T00:00:00Z');
    expect(info.notAfter).toBe('2021-01-01T00:00:00Z');
    expect(info.notBeforeMs).toBe(1577836800000);
    expect(info.notAfterMs).toBe(1609459200000);
  });

  it('names known and unknown extended key usages and keyUsage bits', () => {
    const info = parseCertificate(pemDer('ku-no-ds-rsa'));
    expect(info.publicKey).toBe('RSA 2048');
    expect(info.keyUsage).toEqual(['keyEncipherment']);
    expect(info.extendedKeyUsage).toEqual(['clientAuth', '1.3.6.1.4.1.99999.1']);
    expect(parseCertificate(pemDer('no-clientauth')).extendedKeyUsage).toEqual(['serverAuth']);
  });

  it('leaves out the key identifiers of a certificate that has none', () => {
    const info = parseCertificate(pemDer('inter-impostor'));
    expect(info.subjectKeyIdentifier).toBeUndefined();
    expect(info.authorityKeyIdentifier).toBeUndefined();
  });
});

describe('RFC 4514 names against openssl -nameopt RFC2253', () => {
  const cases: Array<[string, string]> = [
    // openssl: subject=CN=a\,b,O=q\"u\<o\>t\;e\+plus\\back,L=\ lead and trail\ ,OU=\#hash,1.2.3.4=#0C0C756E6B6E6F776E2061747472
    ['escaping', 'CN=a\\,b,O=q\\"u\\<o\\>t\\;e\\+plus\\\\back,L=\\ lead and trail\\ ,OU=\\#hash,1.2.3.4=#0C0C756E6B6E6F776E2061747472'],
    // openssl -nameopt RFC2253,-esc_msb: subject=CN=Zoë Müller,O=Société Générale,L=東京
    ['non-ascii', 'CN=Zoë Müller,O=Société Générale,L=東京'],
    ['printable', 'CN=Same Name,O=Example Org'],
    ['utf8', 'CN=Same Name,O=Example Org'],
    ['expired-ec', 'CN=expired-client,O=Example'],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(parseCertificate(pemDer(name)).subject).toBe(expected);
  });

  it('prints a multi-valued RDN in DER (SET) order; openssl prints its members reversed (O=b+CN=a,C=US)', () => {
    // RFC 4514 §2.2: the members of a multi-valued RDN may be output in any order.
    expect(parseCertificate(pemDer('multi-rdn')).subject).toBe('CN=a+O=b,C=US');
  });
});
