/**
 * The cause of a client-certificate rejection is ranked from what the capture proves
 * (src/analysis/cause-ranking.ts): GnuTLS's access_denied + bad_certificate for an expired or
 * not-yet-valid certificate is `client-cert-expired` / `-not-yet-valid` (not unknown-ca with a
 * CA-bundle fix), a failed CertificateVerify signature is a key mismatch, a valid one rules it out,
 * and each diagnosis says which facts were checked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { rankClientCertCauses, type CauseInput } from '../../src/analysis/cause-ranking.js';
import { FIX } from '../../src/analysis/fixes.js';
import type { CertificateModel, EventModel } from '../../src/analysis/model.js';
import { loadPemBundle } from '../../src/tls/x509/index.js';
import { fixOf, said } from '../helpers/diagnosis.js';

async function main(name: string, keys = true) {
  const pcap = join(REPO, 'captures', `${name}.pcap`);
  const a = await analyse(pcap, keys ? { keylog: join(REPO, 'captures', `${name}.keys`), all: false } : { all: false });
  expect(a.connections.length).toBe(1);
  return a.connections[0];
}

describe('GnuTLS servers: the cause from the certificate and the signature, not from access_denied', () => {
  const cases: Array<[string, string, RegExp, string]> = [
    ['gnutls-tls13-expired', 'client-cert-expired', /validity window at the packet time \([^)]+\): expired 2021-01-01T00:00:00Z/, FIX.expired],
    ['gnutls-tls12-expired', 'client-cert-expired', /expired 2021-01-01T00:00:00Z/, FIX.expired],
    ['gnutls-tls13-sclient-expired', 'client-cert-expired', /expired 2021-01-01T00:00:00Z/, FIX.expired],
    ['gnutls-tls12-sclient-expired', 'client-cert-expired', /expired 2021-01-01T00:00:00Z/, FIX.expired],
    ['gnutls-tls13-not-yet-valid', 'client-cert-not-yet-valid', /not valid before 2030-01-01T00:00:00Z/, FIX.notYetValid],
    ['gnutls-tls12-not-yet-valid', 'client-cert-not-yet-valid', /not valid before 2030-01-01T00:00:00Z/, FIX.notYetValid],
  ];
  for (const [name, code, validity, fix] of cases) {
    it(`${name}: ${code}, the alert pair explained, the checked facts listed`, async () => {
      const c = await main(name);
      expect(c.diagnoses.map((d) => d.code)).toEqual([code]);
      const d = c.diagnoses[0];
      expect(d.severity).toBe('error');
      expect(fixOf(d)).toBe(fix);
      expect(said(d)).toMatch(validity);
      expect(said(d)).toContain('issuer listed in CertificateRequest: yes');
      expect(said(d)).toContain('clientAuth EKU: yes');
      expect(said(d)).toContain('CertificateVerify signature: valid (ecdsa_secp256r1_sha256)');
      expect(d.evidence?.length).toBe(5); // the alerts' sentence and the 4 checked facts
      // both alerts of the pair are evidence, neither is left as a separate handshake-alert error
      const pair = c.alerts.filter((x) => x.code === 49 || x.code === 42).map((x) => x.frame);
      expect(pair.length).toBe(2);
      for (const f of pair) expect(d.evidenceFrames).toContain(f);
    });
  }

  it('TLS 1.2 without a key log: the handshake and the alerts are in clear, same diagnosis', async () => {
    const c = await main('gnutls-tls12-expired', false);
    expect(c.diagnoses.map((d) => d.code)).toEqual(['client-cert-expired']);
    expect(said(c.diagnoses[0])).toContain('CertificateVerify signature: valid');
  });

  it('wrong CA with s_client (a chain of 2): wrong-ca, the issuer is not listed', async () => {
    const c = await main('gnutls-tls13-sclient-wrong-ca');
    expect(c.diagnoses.map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
    expect(said(c.diagnoses[0])).toMatch(/issuer listed in CertificateRequest: no \(CN=Evil CA/);
  });

  for (const name of ['gnutls-tls13-key-mismatch', 'gnutls-tls12-key-mismatch', 'tls13-key-mismatch', 'tls12-key-mismatch']) {
    it(`${name}: key mismatch proven by the signature check`, async () => {
      const c = await main(name);
      expect(c.diagnoses.map((d) => d.code)).toEqual(['client-cert-key-mismatch']);
      const d = c.diagnoses[0];
      expect(d.summary).toMatch(/signature does not verify with the public key of its certificate CN=test-client/);
      expect(said(d)).toContain('CertificateVerify signature: INVALID (ecdsa_secp256r1_sha256');
    });
  }
});

// ---- the ranking rules on constructed inputs ----

const cert = (over: Partial<CertificateModel> = {}): CertificateModel => ({
  subject: 'CN=c',
  issuer: 'CN=CA',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2045-01-01T00:00:00Z',
  sha256: '00',
  extendedKeyUsage: ['clientAuth'],
  ...over,
});
const alert = (code: number, frame = 9): EventModel => ({
  frame, time: '2026-01-01T00:00:00Z', direction: 'server->client', kind: 'alert', visibility: 'plaintext', level: 'fatal', code, description: `alert${code}`,
});
const input = (over: Partial<CauseInput> = {}): CauseInput => ({
  leaf: cert(),
  alerts: [alert(42)],
  at: '2026-06-01T00:00:00Z',
  issuerListed: true,
  accepted: ['CN=CA'],
  usage: [],
  chain: { text: '' },
  caGiven: false,
  cv: { checked: true, valid: true, scheme: 'ecdsa_secp256r1_sha256', frame: 8 },
  cvHidden: false,
  frames: { request: 6, certificate: 8, verify: 8 },
  ...over,
});
const codes = (x: CauseInput) => rankClientCertCauses(x)?.diagnoses.map((d) => `${d.severity}:${d.code}`);

describe('rankClientCertCauses', () => {
  it('an ambiguous alert with nothing proven: unknown-ca, saying everything checked out', () => {
    const r = rankClientCertCauses(input());
    expect(r?.diagnoses.map((d) => d.code)).toEqual(['client-cert-unknown-ca']);
    expect(said(r!.diagnoses[0])).toContain('Nothing in the capture explains it otherwise');
  });

  it('a failed signature ranks first; the other proven causes follow as warnings', () => {
    const bad = { checked: true, valid: false, scheme: 'rsa_pss_rsae_sha256', reason: 'does not verify', frame: 8 };
    expect(codes(input({ cv: bad, leaf: cert({ notAfter: '2021-01-01T00:00:00Z' }) }))).toEqual(['error:client-cert-key-mismatch', 'warning:client-cert-expired']);
    expect(codes(input({ alerts: [alert(49), alert(42, 10)], issuerListed: false, leaf: cert({ notBefore: '2030-01-01T00:00:00Z' }) }))).toEqual([
      'error:client-cert-wrong-ca',
      'warning:client-cert-not-yet-valid',
    ]);
  });

  it('decrypt_error with a signature that verifies: still the server\'s key-mismatch code, but the key is said to match', () => {
    const r = rankClientCertCauses(input({ alerts: [alert(51)] }));
    expect(r?.diagnoses.map((d) => d.code)).toEqual(['client-cert-key-mismatch']);
    expect(said(r!.diagnoses[0])).toMatch(/the key matches/);
    expect(rankClientCertCauses(input({ alerts: [alert(51)], frames: { certificate: 8 } }))).toBeNull(); // no CertificateVerify: a Finished failure
  });

  it('alerts that name a cause keep it; one the capture contradicts leaves the generic alert diagnosis', () => {
    expect(codes(input({ alerts: [alert(48)], issuerListed: false }))).toEqual(['error:client-cert-unknown-ca']);
    expect(codes(input({ alerts: [alert(48)], leaf: cert({ notAfter: '2021-01-01T00:00:00Z' }) }))).toEqual(['error:client-cert-unknown-ca', 'warning:client-cert-expired']);
    expect(rankClientCertCauses(input({ alerts: [alert(45)] }))).toBeNull(); // certificate_expired, but valid at the packet time
    expect(rankClientCertCauses(input({ alerts: [alert(43)] }))).toBeNull(); // unsupported_certificate, usage fine
    expect(rankClientCertCauses(input({ alerts: [alert(40)] }))).toBeNull(); // handshake_failure: not about the certificate
  });

  it('EKU without clientAuth behind an ambiguous alert: bad-usage', () => {
    const leaf = cert({ extendedKeyUsage: ['serverAuth'] });
    const r = rankClientCertCauses(input({ leaf, usage: ['extendedKeyUsage is serverAuth without clientAuth (RFC 5280 §4.2.1.12)'] }));
    expect(r?.diagnoses.map((d) => d.code)).toEqual(['client-cert-bad-usage']);
    expect(said(r!.diagnoses[0])).toContain('clientAuth EKU: no (serverAuth)');
  });

  it('--ca: a chain that does not verify against the given CAs is a wrong CA, and the check is listed', () => {
    const chain = { text: ' Offline check against --ca: no path.', verified: false, trustProblem: 'untrusted' as const, diagnosis: { code: 'client-cert-wrong-ca', severity: 'warning' as const, summary: 's' } };
    const r = rankClientCertCauses(input({ chain, caGiven: true }));
    expect(r?.diagnoses.map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
    expect(said(r!.diagnoses[0])).toContain('chain against --ca: does not verify (no path to a --ca CA)');
  });

  it('--ca with a chain that fails on its dates only is not a wrong CA (real capture)', async () => {
    const trusted = loadPemBundle(join(REPO, 'captures/pki/test-ca.pem'));
    const a = await analyse(join(REPO, 'captures/gnutls-tls12-expired.pcap'), { trusted, all: false });
    const c = a.connections[0];
    expect(c.diagnoses.map((d) => d.code)).toEqual(['client-cert-expired']);
    expect(said(c.diagnoses[0])).toContain('chain against --ca: does not verify (dates only)');
    const evil = await analyse(join(REPO, 'captures/gnutls-tls12-sclient-wrong-ca.pcap'), { trusted, all: false });
    expect(evil.connections[0].diagnoses.map((d) => d.code)).toEqual(['client-cert-wrong-ca']);
    expect(said(evil.connections[0].diagnoses[0])).toContain('chain against --ca: does not verify (its issuer is neither sent nor among the --ca CAs)');
  });

  it('says when the signature could not be checked or was not visible', () => {
    const un = rankClientCertCauses(input({ cv: { checked: false, reason: 'the ClientHello was not captured', frame: 8 } }));
    expect(said(un!.diagnoses[0])).toContain('CertificateVerify signature: not checked (the ClientHello was not captured)');
    const hidden = rankClientCertCauses(input({ cv: undefined, cvHidden: true }));
    expect(said(hidden!.diagnoses[0])).toContain('not visible (encrypted, no keys)');
  });
});
