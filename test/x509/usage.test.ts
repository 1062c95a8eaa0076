import { describe, expect, it } from 'vitest';
import { CertificateCache, usageProblems, type CertInfo } from '../../src/tls/x509/index.js';
import { derFile, pemDer } from './fixtures.js';

const cache = new CertificateCache();
const cert = (name: string): CertInfo => cache.get(pemDer(name));

describe('usageProblems', () => {
  it('accepts a client certificate with clientAuth and digitalSignature', () => {
    expect(usageProblems(cert('client-ec'), 'client')).toEqual([]);
    expect(usageProblems(cert('server-ed25519'), 'server')).toEqual([]);
  });

  it('reports a missing clientAuth / serverAuth extended key usage', () => {
    expect(usageProblems(cert('no-clientauth'), 'client')).toEqual([
      'extendedKeyUsage does not allow TLS client authentication: clientAuth is missing (it allows serverAuth)',
    ]);
    expect(usageProblems(cert('client-ec'), 'server')).toEqual([
      'extendedKeyUsage does not allow TLS server authentication: serverAuth is missing (it allows clientAuth)',
    ]);
  });

  it('accepts any purpose when the extension is absent', () => {
    const multi = cert('multi-rdn'); // no extendedKeyUsage, no keyUsage, CA:FALSE
    expect(multi.extendedKeyUsagePresent).toBe(false);
    expect(usageProblems(multi, 'client')).toEqual([]);
  });

  it('reports keyUsage without digitalSignature', () => {
    expect(usageProblems(cert('ku-no-ds-rsa'), 'client')).toEqual([
      'keyUsage lacks digitalSignature (it allows keyEncipherment), so the key may not sign the handshake',
    ]);
    expect(usageProblems(cert('ku-no-ds-rsa'), 'server')).toEqual([
      'extendedKeyUsage does not allow TLS server authentication: serverAuth is missing (it allows clientAuth, 1.3.6.1.4.1.99999.1)',
      'keyUsage lacks digitalSignature (it allows keyEncipherment), so the key may not sign the handshake; ' +
        'only TLS 1.2 RSA key exchange (no forward secrecy) can use it',
    ]);
  });

  it('reports a CA certificate used as a leaf', () => {
    expect(usageProblems(cert('inter-ec'), 'client')).toEqual([
      'keyUsage lacks digitalSignature (it allows keyCertSign, cRLSign), so the key may not sign the handshake',
      'a CA certificate (basicConstraints CA:TRUE) is used as the client certificate',
    ]);
  });

  it('accepts the real Actalis client certificate (clientAuth, emailProtection; digitalSignature)', () => {
    expect(usageProblems(cache.get(derFile('zeek-client-certificate-frame15-0.der')), 'client')).toEqual([]);
  });

  it('reports an unparseable certificate', () => {
    const problems = usageProblems(cache.get(new Uint8Array([0x30, 0x00])), 'client');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^certificate could not be fully parsed: /);
  });
});
