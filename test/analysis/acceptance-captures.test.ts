/**
 * Accepted or rejected, on real captures (captures/make-acceptance-captures.sh and the older
 * scenario captures): a server that accepts what it cannot verify is a warning, not a failure; a
 * silent rejection stays a failure; a client that silently rejects the server's certificate is
 * reported (inferred). Each capture with and without its key log.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { serverAcceptance } from '../../src/analysis/acceptance.js';
import { loadPemBundle } from '../../src/tls/x509/index.js';
import type { ConnectionModel } from '../../src/analysis/model.js';
import { explanationOf, fixOf, said } from '../helpers/diagnosis.js';

async function one(name: string, keys: boolean): Promise<ConnectionModel> {
  const a = await analyse(join(REPO, 'captures', `${name}.pcap`), { keylog: keys ? join(REPO, 'captures', `${name}.keys`) : undefined, all: false });
  expect(a.connections.length).toBe(1);
  return a.connections[0];
}

function notable(c: ConnectionModel): string[] {
  return c.diagnoses.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`).sort();
}

const SETTINGS = [/-verify_return_error/, /ssl_verify_client on/, /RequireAndVerifyClientCert/, /rejectUnauthorized/];

describe('s_server -Verify 1 without -verify_return_error accepts what it cannot verify (with keys)', () => {
  const cases: Array<[string, RegExp]> = [
    ['openssl-tls13-wrong-ca-accepted', /issued by CN=Evil CA.*not among the CAs/],
    ['openssl-tls12-wrong-ca-accepted', /issued by CN=Evil CA.*not among the CAs/],
    ['openssl-tls13-wrong-ca-accepted-idle', /issued by CN=Evil CA.*not among the CAs/],
    ['openssl-tls12-wrong-ca-accepted-idle', /issued by CN=Evil CA.*not among the CAs/],
    ['openssl-tls13-expired-accepted', /CN=expired-client.*expired on 2021-01-01/],
    ['openssl-tls12-expired-accepted', /CN=expired-client.*expired on 2021-01-01/],
  ];
  for (const [name, problem] of cases) {
    it(`${name}: mtls-ok with the warning client-cert-not-enforced, no error`, async () => {
      const c = await one(name, true);
      expect(notable(c)).toEqual(['warning client-cert-not-enforced']);
      expect(c.verdict).toBe('mtls-ok');
      const d = c.diagnoses.find((x) => x.code === 'client-cert-not-enforced')!;
      expect(d.summary).toMatch(problem);
      expect(d.summary).toMatch(/does not appear to enforce client-certificate verification/);
      expect(d.inferred).toBeUndefined();
      for (const s of SETTINGS) expect(fixOf(d)).toMatch(s);
      expect(d.evidenceFrames).toContain(c.clientCertificate.frame);
      const acc = serverAcceptance(c);
      expect(acc.verdict).toBe('accepted');
      expect(acc.continued).toBe(true);
      expect(d.summary).toMatch(name.includes('idle') ? /went on with the session/ : /served application data/);
    });
  }

  it('who closed first is read from the wire: -WWW the server, -rev and idle the client', async () => {
    expect(serverAcceptance(await one('openssl-tls13-wrong-ca-accepted', true)).firstCloser).toBe('server');
    expect(serverAcceptance(await one('openssl-tls12-wrong-ca-accepted', true)).firstCloser).toBe('server');
    expect(serverAcceptance(await one('openssl-tls13-expired-accepted', true)).firstCloser).toBe('client');
    expect(serverAcceptance(await one('openssl-tls12-wrong-ca-accepted-idle', true)).firstCloser).toBe('client');
  });
});

describe('--ca that the server does not share', () => {
  it('a server whose CertificateRequest lists the issuer verified against its own CAs: --ca mismatch is not "not enforced"', async () => {
    const trusted = loadPemBundle(join(REPO, 'captures', 'pki', 'evil-ca.pem'));
    const a = await analyse(join(REPO, 'captures', 'tls13-mtls-ok.pcap'), { keylog: join(REPO, 'captures', 'tls13-mtls-ok.keys'), all: false, trusted });
    expect(notable(a.connections[0])).toEqual(['warning client-cert-wrong-ca']);
  });
});

describe('the same captures without keys: never failed, no error', () => {
  it('TLS 1.2: the certificate and CA list are visible, the data is not: wrong CA / expired as warnings, "not enforced" not claimed', async () => {
    for (const name of ['openssl-tls12-wrong-ca-accepted', 'openssl-tls12-wrong-ca-accepted-idle']) {
      const c = await one(name, false);
      expect(notable(c)).toEqual(['warning client-cert-wrong-ca']);
      expect(c.verdict).toBe('warning');
      expect(said(c.diagnoses.find((d) => d.code === 'client-cert-wrong-ca')!)).toMatch(/did not reject it during the handshake/);
    }
    const e = await one('openssl-tls12-expired-accepted', false);
    expect(notable(e)).toEqual(['warning client-cert-expired']);
    expect(e.verdict).toBe('warning');
  });

  it('TLS 1.3: the server went on after the client Finished: mtls-ok, no warning', async () => {
    for (const name of ['openssl-tls13-wrong-ca-accepted', 'openssl-tls13-wrong-ca-accepted-idle', 'openssl-tls13-expired-accepted']) {
      const c = await one(name, false);
      expect(notable(c)).toEqual([]);
      expect(c.verdict).toBe('mtls-ok');
    }
  });
});

describe('a Node.js client silently rejects the server certificate', () => {
  // frames from tshark: TLS 1.3 the client FIN is frame 8 (after the server flight in frame 6);
  // TLS 1.2 frame 10 (after NewSessionTicket + CCS + Finished in frame 9)
  const cases: Array<[string, number, number]> = [
    ['node-client-tls13-untrusted-server', 6, 8],
    ['node-client-tls12-untrusted-server', 9, 10],
  ];
  for (const [name, after, fin] of cases) {
    for (const keys of [true, false]) {
      it(`${name} ${keys ? 'with' : 'without'} keys: inferred warning server-cert-rejected-silently, not mtls-ok`, async () => {
        const c = await one(name, keys);
        expect(notable(c)).toEqual(['warning server-cert-rejected-silently']);
        expect(c.verdict).toBe('warning');
        const d = c.diagnoses.find((x) => x.code === 'server-cert-rejected-silently')!;
        expect(d.inferred).toBe(true);
        expect(d.summary).toMatch(/client aborted after the server's certificate/);
        expect(d.evidenceFrames).toContain(after);
        expect(d.evidenceFrames).toContain(fin);
        expect(explanationOf(d)).toMatch(/RFC 8446 §6\.2/);
        expect(said(d)).toMatch(name.includes('tls13') ? /TLS 1.3: the client closed before its own Finished/ : /TLS 1.2: the client closed after completing the handshake/);
        // requested, and never answered: with keys a fact, without keys inferred from the 5 server records
        expect(c.clientCertificate.status).toBe(name.includes('tls13') ? 'not-sent' : 'sent');
        if (name.includes('tls13') && !keys) expect(c.clientCertificate.visibility).toBe('inferred');
      });
    }
  }
});

describe('the same Node.js client against OpenSSL s_server, which answers the FIN with decode_error', () => {
  for (const v of ['13', '12']) {
    it(`TLS 1.${v.slice(1)}: server-cert-rejected-silently names the late alert as a reaction, with keys; without keys the same warning`, async () => {
      const name = `node-client-tls${v}-untrusted-openssl-server`;
      const k = await one(name, true);
      expect(notable(k)).toEqual(['error handshake-alert', 'warning server-cert-rejected-silently']);
      const d = k.diagnoses.find((x) => x.code === 'server-cert-rejected-silently')!;
      expect(said(d)).toMatch(/decode_error \(50\) in frame \d+ came after the client had closed/);
      const n = await one(name, false);
      expect(notable(n)).toEqual(['warning server-cert-rejected-silently']);
      expect(n.verdict).toBe('warning');
    });
  }
});

describe('existing captures keep their verdicts under the rule', () => {
  it('Node.js server rejecting with a close and no data: rejected silently (failed with keys, inferred without)', async () => {
    for (const v of ['13', '12']) {
      const k = await one(`node-tls${v}-wrong-ca`, true);
      expect(serverAcceptance(k).verdict).toBe('rejected-silently');
      expect(k.verdict).toBe('failed');
      expect(notable(k)).toEqual(['error client-cert-wrong-ca']);
    }
    const n13 = await one('node-tls13-wrong-ca', false);
    expect(notable(n13)).toEqual(['warning client-cert-rejected']);
    expect(n13.diagnoses.find((d) => d.code === 'client-cert-rejected')!.inferred).toBe(true);
    expect((await one('node-tls12-wrong-ca', false)).verdict).toBe('failed');
  });

  it('an alert decides: rejected-alert', async () => {
    expect(serverAcceptance(await one('tls13-wrong-ca', true)).verdict).toBe('rejected-alert');
    expect(serverAcceptance(await one('gnutls-tls12-wrong-ca', true)).verdict).toBe('rejected-alert');
  });

  it('successes are accepted and get neither new warning, with or without keys', async () => {
    for (const name of ['tls13-mtls-ok', 'tls12-mtls-ok', 'node-tls13-mtls-ok', 'node-tls12-mtls-ok', 'gnutls-tls13-mtls-ok', 'gnutls-tls12-mtls-ok', 'tls13-chain-ok']) {
      const k = await one(name, true);
      expect(serverAcceptance(k).verdict, name).toBe('accepted');
      for (const keys of [true, false]) {
        const c = keys ? k : await one(name, false);
        expect(notable(c), `${name} keys=${keys}`).toEqual([]);
        expect(c.verdict).toBe('mtls-ok');
      }
    }
  });
});

describe('no false claim on any other committed capture', () => {
  it('server-cert-rejected-silently only on the Node.js-client captures, client-cert-not-enforced only on the "accepted" ones', async () => {
    const files = readdirSync(join(REPO, 'captures')).filter((f) => /\.pcap(ng)?$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(60);
    const hits: string[] = [];
    for (const f of files) {
      const name = f.replace(/\.pcap(ng)?$/, '');
      const keylog = join(REPO, 'captures', `${name}.keys`);
      for (const k of existsSync(keylog) ? [keylog, undefined] : [undefined]) {
        const a = await analyse(join(REPO, 'captures', f), { keylog: k, all: false });
        for (const c of a.connections) {
          for (const d of c.diagnoses) {
            if (d.code === 'server-cert-rejected-silently' || d.code === 'client-cert-not-enforced') hits.push(`${name} ${d.code}`);
          }
        }
      }
    }
    const unexpected = hits.filter((h) => !(/^node-client-.* server-cert-rejected-silently$/.test(h) || /^openssl-.*-accepted(-idle)? client-cert-not-enforced$/.test(h)));
    expect(unexpected).toEqual([]);
    expect(hits.filter((h) => h.includes('server-cert-rejected-silently')).length).toBe(8);
    expect(hits.filter((h) => h.includes('client-cert-not-enforced')).length).toBe(6);
  }, 120_000);
});
