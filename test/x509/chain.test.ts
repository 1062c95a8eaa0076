/**
 * Offline chain verification on the openssl fixtures (CA → intermediate → leaf and the broken
 * variants made by make-fixtures.sh) and on real chains from the Zeek corpus.
 */
import { describe, expect, it } from 'vitest';
import { CertificateCache, verifyChain, type CertInfo } from '../../src/tls/x509/index.js';
import { derFile, pemDer } from './fixtures.js';

const cache = new CertificateCache();
const cert = (name: string): CertInfo => cache.get(pemDer(name));
const AT = Date.UTC(2025, 5, 1); // inside every fixture's 2024–2124 validity
const ROOT = 'CN=Test Root CA,O=tls-inspect Tests';
const INTER = 'CN=Test Intermediate CA,O=tls-inspect Tests';
const CLIENT = 'CN=test-client,O=Example';

describe('verifyChain on the fixture PKI', () => {
  it('verifies leaf + intermediate against the trusted root', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-ec')], [cert('root-rsa')], AT);
    expect(r).toEqual({ ok: true, problems: [], path: [CLIENT, INTER, ROOT] });
  });

  it('verifies a chain that also carries the root (as OpenSSL clients send it)', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-ec'), cert('root-rsa')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(true);
    expect(r.path).toEqual([CLIENT, INTER, ROOT]);
  });

  it('verifies chains given out of order and with an extra unrelated certificate', () => {
    const r = verifyChain([cert('client-ec'), cert('other-root'), cert('inter-ec')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(true);
    expect(r.path).toEqual([CLIENT, INTER, ROOT]);
  });

  it('verifies an Ed25519 signature and a directly trusted leaf', () => {
    expect(verifyChain([cert('other-client')], [cert('other-root')], AT).ok).toBe(true);
    const direct = verifyChain([cert('other-client')], [cert('other-client')], AT);
    expect(direct).toEqual({ ok: true, problems: [], path: ['CN=other-client,O=Elsewhere'] });
  });

  it('says which intermediate is missing', () => {
    const r = verifyChain([cert('client-ec')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(false);
    expect(r.neededCa).toBe(INTER);
    expect(r.path).toEqual([CLIENT]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.code).toBe('missing-intermediate');
    expect(r.problems[0]!.certIndex).toBe(0);
    expect(r.problems[0]!.message).toBe(
      `certificate #0 (${CLIENT}) was issued by ${INTER}, which is neither in the sent chain nor among the ` +
        `trusted CAs (${ROOT}). If ${INTER} is an intermediate CA under a trusted root, the peer must send it; ` +
        'otherwise its root must be trusted',
    );
  });

  it('reports a self-signed root that is not trusted, and the CA that would be needed', () => {
    const r = verifyChain([cert('other-client'), cert('other-root')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(false);
    expect(r.neededCa).toBe('CN=Other Root CA');
    expect(r.path).toEqual(['CN=other-client,O=Elsewhere', 'CN=Other Root CA']);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['untrusted-root', 1]]);
  });

  it('reports untrusted-root when no trust anchors are given', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-ec')], [], AT);
    expect(r.ok).toBe(false);
    expect(r.neededCa).toBe(ROOT);
    expect(r.path).toEqual([CLIENT, INTER]);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['untrusted-root', 1]]);
  });

  it('checks validity at the given time, not now', () => {
    const expired = verifyChain([cert('expired-ec'), cert('inter-ec')], [cert('root-rsa')], AT);
    expect(expired.ok).toBe(false);
    expect(expired.neededCa).toBeUndefined();
    expect(expired.problems).toEqual([
      {
        code: 'expired',
        certIndex: 0,
        message: 'certificate #0 (CN=expired-client,O=Example) expired at 2021-01-01T00:00:00Z (checked at 2025-06-01T00:00:00Z)',
      },
    ]);
    // In mid-2020 the leaf was valid but the 2024 intermediate and root were not yet.
    const early = verifyChain([cert('expired-ec'), cert('inter-ec')], [cert('root-rsa')], Date.UTC(2020, 5, 1));
    expect(early.problems.map((p) => [p.code, p.certIndex])).toEqual([
      ['not-yet-valid', 1],
      ['not-yet-valid', -1],
    ]);
    expect(early.problems[1]!.message).toBe(
      `trusted CA (${ROOT}) is not valid before 2024-01-01T00:00:00Z (checked at 2020-06-01T00:00:00Z)`,
    );
  });

  it('detects a regenerated CA with the same name by its key identifier', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-ec')], [cert('root-regen')], AT);
    expect(r.ok).toBe(false);
    expect(r.neededCa).toBe(ROOT);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['issuer-mismatch', 1]]);
    // Key ids from `openssl x509 -ext authorityKeyIdentifier` (inter-ec) and subjectKeyIdentifier (root-regen).
    expect(r.problems[0]!.message).toContain('key id 3b77e69b8c05e5b2e03d40876db01be1b20ed3a7');
    expect(r.problems[0]!.message).toContain('has key id 20bfec37f10714b8f8367b104d2b8d61ea5c7bed');
  });

  it('reports a sent root that differs from the trusted root of the same name', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-ec'), cert('root-rsa')], [cert('root-regen')], AT);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['untrusted-root', 2]]);
    expect(r.problems[0]!.message).toContain('a trusted CA has the same name but a different key');
    expect(r.neededCa).toBe(ROOT);
  });

  it('reports a bad signature when an intermediate of the same name has another key', () => {
    const r = verifyChain([cert('client-ec'), cert('inter-impostor')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['signature', 0]]);
    expect(r.neededCa).toBe(INTER);
  });

  it('reports a tampered signature', () => {
    const der = pemDer('client-ec');
    der[der.length - 1] ^= 0x01; // last byte of the ECDSA signature's s value
    const tampered = new CertificateCache().get(der);
    expect(tampered.error).toBeUndefined();
    const r = verifyChain([tampered, cert('inter-ec')], [cert('root-rsa')], AT);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['signature', 0]]);
  });

  it('reports a certificate signed by a non-CA', () => {
    const r = verifyChain([cert('signed-by-leaf'), cert('client-ec'), cert('inter-ec')], [cert('root-rsa')], AT);
    expect(r.ok).toBe(false);
    // client-ec is not a CA; and as an intermediate it also exceeds inter-ec's pathlen:0.
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([
      ['not-a-ca', 1],
      ['not-a-ca', 2],
    ]);
    expect(r.problems[0]!.message).toBe(
      `certificate #1 (${CLIENT}) signed the certificate below it but is not a CA (no basicConstraints CA:TRUE)`,
    );
    expect(r.path).toEqual(['CN=signed-by-leaf', CLIENT, INTER, ROOT]);
  });

  it('reports a violated path length constraint (pathlen:0 with a sub-CA below)', () => {
    const r = verifyChain([cert('under-sub'), cert('sub-inter'), cert('inter-ec')], [cert('root-rsa')], AT);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['not-a-ca', 2]]);
    expect(r.problems[0]!.message).toBe(
      `certificate #2 (${INTER}) allows 0 intermediate CA certificate(s) below it (pathlen:0) but the path has 1`,
    );
  });

  it('skips validity checks without a usable time', () => {
    expect(verifyChain([cert('expired-ec'), cert('inter-ec')], [cert('root-rsa')], NaN).ok).toBe(true);
    expect(verifyChain([cert('expired-ec'), cert('inter-ec')], [cert('root-rsa')], 1e300).ok).toBe(true);
  });

  it('handles an empty chain and an unparseable certificate', () => {
    expect(verifyChain([], [cert('root-rsa')], AT).ok).toBe(false);
    const junk = cache.get(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    const r = verifyChain([junk], [cert('root-rsa')], AT);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.certIndex])).toEqual([['signature', 0]]);
    expect(r.path).toEqual(['(unparseable certificate)']);
  });
});

describe('verifyChain on real chains from the Zeek corpus', () => {
  const le = [0, 1, 2].map((i) => cache.get(derFile(`zeek-client-certificate-frame11-${i}.der`)));
  const actalis = [0, 1].map((i) => cache.get(derFile(`zeek-client-certificate-frame15-${i}.der`)));

  it("verifies Let's Encrypt leaf → R3 → ISRG Root X1 (cross-signed) at capture time", () => {
    // Capture of January 2023; anchor = the ISRG Root X1 certificate the server sent.
    const r = verifyChain(le, [le[2]!], Date.UTC(2023, 0, 10));
    expect(r).toEqual({
      ok: true,
      problems: [],
      path: ['CN=certauth.idrix.fr', "CN=R3,O=Let's Encrypt,C=US", 'CN=ISRG Root X1,O=Internet Security Research Group,C=US'],
    });
    const later = verifyChain(le, [le[2]!], Date.UTC(2025, 0, 1));
    expect(later.problems.map((p) => [p.code, p.certIndex])).toEqual([
      ['expired', 0],
      ['expired', 2],
    ]);
  });

  it('follows the Actalis client chain and names the root it needs', () => {
    const r = verifyChain(actalis, [], Date.UTC(2023, 5, 1));
    expect(r.path).toEqual([
      'CN=johanna@corelight.com',
      'CN=Actalis Client Authentication CA G3,O=Actalis S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT',
    ]);
    expect(r.neededCa).toBe('CN=Actalis Authentication Root CA,O=Actalis S.p.A./03358520967,L=Milan,C=IT');
    expect(r.problems.map((p) => p.code)).toEqual(['untrusted-root']);
  });
});
