/**
 * Every committed scenario capture gets exactly the diagnosis it was made for (captures/README.md),
 * with the right evidence frames (checked against tshark's golden per-frame alerts), and
 * successful handshakes get no error. Expectations come from how each capture was made.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../helpers/analyse.js';
import { REPO, rows } from '../helpers/golden.js';
import { explanationOf, fixOf } from '../helpers/diagnosis.js';

interface Expect {
  /** error/warning diagnosis codes, sorted */
  errors: string[];
  cert: 'sent' | 'empty' | 'not-sent' | 'not-requested';
  /** alert description the evidence must include (its frame from tshark's golden) */
  alert?: { from: 'client' | 'server'; code: number };
}

const ok: Expect = { errors: [], cert: 'sent' };
const wrongCa: Expect = { errors: ['client-cert-unknown-ca'], cert: 'sent', alert: { from: 'server', code: 48 } };
const noCert13: Expect = { errors: ['client-cert-empty', 'client-cert-required'], cert: 'empty', alert: { from: 'server', code: 116 } };
const noCert12: Expect = { errors: ['client-cert-empty', 'client-cert-required'], cert: 'empty', alert: { from: 'server', code: 40 } };

const SCENARIOS: Record<string, Expect> = {
  'tls13-mtls-ok': ok,
  'tls12-mtls-ok': ok,
  'tls13-wrong-ca': wrongCa,
  'tls12-wrong-ca': wrongCa,
  'tls13-no-cert': noCert13,
  'tls12-no-cert': noCert12,
  'tls13-expired-cert': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 45 } },
  'tls12-expired-cert': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 45 } },
  'tls13-not-yet-valid': { errors: ['client-cert-not-yet-valid'], cert: 'sent', alert: { from: 'server', code: 42 } },
  'tls12-not-yet-valid': { errors: ['client-cert-not-yet-valid'], cert: 'sent', alert: { from: 'server', code: 42 } },
  'tls13-no-clientauth-eku': { errors: ['client-cert-bad-usage'], cert: 'sent', alert: { from: 'server', code: 43 } },
  'tls12-no-clientauth-eku': { errors: ['client-cert-bad-usage'], cert: 'sent', alert: { from: 'server', code: 43 } },
  'tls13-chain-missing-intermediate': { errors: ['client-cert-unknown-ca'], cert: 'sent', alert: { from: 'server', code: 48 } },
  'tls12-chain-missing-intermediate': { errors: ['client-cert-unknown-ca'], cert: 'sent', alert: { from: 'server', code: 48 } },
  'tls13-chain-ok': ok,
  'tls12-chain-ok': ok,
  'tls13-server-rejected': { errors: ['server-cert-rejected'], cert: 'not-sent', alert: { from: 'client', code: 48 } },
  'tls12-server-rejected': { errors: ['server-cert-rejected'], cert: 'not-sent', alert: { from: 'client', code: 48 } },
  // gnutls-cli with test-client's certificate and another key: the server cannot verify CertificateVerify
  'tls13-key-mismatch': { errors: ['client-cert-key-mismatch'], cert: 'sent', alert: { from: 'server', code: 51 } },
  'tls12-key-mismatch': { errors: ['client-cert-key-mismatch'], cert: 'sent', alert: { from: 'server', code: 51 } },
  'gnutls-tls13-mtls-ok': ok,
  'gnutls-tls12-mtls-ok': ok,
  // GnuTLS: access_denied then bad_certificate for every client-certificate failure (FIELD-NOTES):
  // one rejection, its cause from the certificate (issuer, dates) and the CertificateVerify signature
  'gnutls-tls13-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls12-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls13-expired': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls12-expired': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls13-not-yet-valid': { errors: ['client-cert-not-yet-valid'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls12-not-yet-valid': { errors: ['client-cert-not-yet-valid'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls13-sclient-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls12-sclient-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls13-sclient-expired': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls12-sclient-expired': { errors: ['client-cert-expired'], cert: 'sent', alert: { from: 'server', code: 49 } },
  'gnutls-tls13-key-mismatch': { errors: ['client-cert-key-mismatch'], cert: 'sent', alert: { from: 'server', code: 51 } },
  'gnutls-tls12-key-mismatch': { errors: ['client-cert-key-mismatch'], cert: 'sent', alert: { from: 'server', code: 51 } },
  'gnutls-tls13-rsa-pss-ok': ok,
  'gnutls-tls12-rsa-pkcs1-ok': ok,
  'gnutls-tls13-ed25519-ok': ok,
  'gnutls-tls12-ed25519-ok': ok,
  'gnutls-tls13-no-cert': noCert13,
  // GnuTLS 1.2 answers an empty Certificate with decode_error (FIELD-NOTES)
  'gnutls-tls12-no-cert': { errors: ['client-cert-empty', 'client-cert-required'], cert: 'empty', alert: { from: 'server', code: 50 } },
  'node-tls13-mtls-ok': ok,
  'node-tls12-mtls-ok': ok,
  // Node.js closes without an alert: the evidence is the CA list and the silent close
  'node-tls13-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent' },
  'node-tls12-wrong-ca': { errors: ['client-cert-wrong-ca'], cert: 'sent' },
  'node-tls13-no-cert': noCert13,
  'node-tls12-no-cert': noCert12,
};

describe('each scenario gets the diagnosis it was made for (with its key log)', () => {
  for (const [name, exp] of Object.entries(SCENARIOS)) {
    const pcap = join(REPO, 'captures', `${name}.pcap`);
    it(name, async () => {
      expect(existsSync(pcap), `${pcap} is committed`).toBe(true);
      const a = await analyse(pcap, { keylog: join(REPO, 'captures', `${name}.keys`), all: false });
      expect(a.connections.length).toBe(1);
      const c = a.connections[0];
      const errs = c.diagnoses.filter((d) => d.severity !== 'info').map((d) => d.code).sort();
      expect(errs).toEqual(exp.errors);
      expect(c.clientCertificate.status).toBe(exp.cert);
      if (exp.errors.length === 0) {
        expect(c.verdict).toBe('mtls-ok');
        return;
      }
      expect(c.verdict).toBe('failed');
      const main = c.diagnoses.find((d) => d.code === exp.errors.find((e) => e !== 'handshake-alert' && e !== 'client-cert-empty')) ?? c.diagnoses[0];
      if (exp.alert) {
        // the alert's frame, per tshark (with keys), must be among the evidence frames
        const tls = rows(`captures/${name}`, 'tls-keys.tsv') ?? [];
        const hit = tls.find((r) => (r[5] ?? '').split(',').includes(String(exp.alert!.code)));
        expect(hit, `tshark sees alert ${exp.alert.code}`).toBeDefined();
        expect(main.evidenceFrames).toContain(Number(hit![0]));
        const alert = c.alerts.find((x) => x.code === exp.alert!.code);
        expect(alert?.direction).toBe(exp.alert.from === 'client' ? 'client->server' : 'server->client');
        expect(alert?.frame).toBe(Number(hit![0]));
      }
      if (exp.cert === 'sent' || exp.cert === 'empty') {
        expect(main.evidenceFrames).toContain(c.clientCertificate.frame);
      }
      expect(fixOf(main).length).toBeGreaterThan(20);
      expect(explanationOf(main)).toMatch(/RFC \d+/);
    });
  }
});

describe('successful handshakes get no error', () => {
  for (const name of ['all-scenarios', 'lossy-mtls', 'mtu600-mtls', 'tls13-hrr', 'tls13-resumption']) {
    it(`${name}: connections made to succeed have no error/warning diagnosis`, async () => {
      const a = await analyse(join(REPO, 'captures', `${name}.pcap`), { keylog: join(REPO, 'captures', `${name}.keys`), all: false });
      const good = name === 'all-scenarios' ? a.connections.filter((c) => c.alerts.every((x) => x.code === 0)) : a.connections;
      expect(good.length).toBeGreaterThan(0);
      for (const c of good) expect(c.diagnoses.filter((d) => d.severity !== 'info')).toEqual([]);
    });
  }
});

describe('a capture gap is reported, and hides rather than invents', () => {
  it('gap-mtls: capture-gap diagnosis with its frames; the client certificate is unknown, not "not sent"', async () => {
    const a = await analyse(join(REPO, 'captures', 'gap-mtls.pcap'), { keylog: join(REPO, 'captures', 'gap-mtls.keys'), all: false });
    const c = a.connections[0];
    const gap = c.diagnoses.find((d) => d.code === 'capture-gap');
    expect(gap?.severity).toBe('warning');
    expect(gap?.summary).toMatch(/548 bytes missing at stream offset 206/);
    expect(gap?.evidenceFrames).toEqual([4, 12]); // last frame before the hole, first after it (frames renumbered after the deletion)
    expect(c.clientCertificate.status).toBe('unknown');
    expect(c.clientCertificate.sentence).toMatch(/hidden by a capture gap/);
    expect(c.tcp.gaps.clientToServer).toBe(1);
  });
});
