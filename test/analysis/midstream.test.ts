/**
 * Captures that start mid-connection (captures/make-midstream-captures.sh: real OpenSSL / curl
 * recordings cut with editcap), encrypted alerts, and the unknowns inference must not paper over:
 * TLS 1.3 post-handshake authentication and resumed sessions.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { plausibleAlerts } from '../../src/tls/record-events.js';
import { connectionHeader } from '../../src/report/text.js';
import { connectionTitle } from '../../src/tui/view-model/diagnosis-view.js';
import { lineText } from '../../src/tui/view-model/styled.js';

const cap = (name: string): string => join(REPO, 'captures', `${name}.pcap`);
const keys = (name: string): string => join(REPO, 'captures', `${name}.keys`);
const loud = (c: { diagnoses: Array<{ severity: string; code: string }> }): string[] =>
  c.diagnoses.filter((d) => d.severity !== 'info').map((d) => d.code);

describe('a capture that starts after the handshake', () => {
  for (const [name, port] of [['tls12-after-handshake', 21301], ['tls13-after-handshake', 21302]] as const) {
    for (const withKeys of [false, true]) {
      it(`${name}${withKeys ? ' (key log given)' : ''}: the listening port is the server (a labelled guess), and no certificate verdict`, async () => {
        const a = await analyse(cap(name), { keylog: withKeys ? keys(name) : undefined, all: false });
        expect(a.connections.length).toBe(1);
        const c = a.connections[0];
        // the first captured packet comes from the server (its answer to a request line)
        expect(c.server.port).toBe(port);
        expect(c.client.port).not.toBe(port);
        expect(c.orientation).toMatchObject({ basis: 'lower-port', inferred: true });
        expect(c.orientation?.reason).toMatch(/guess/);
        expect(c.handshakeCaptured).toBe(false);
        expect(c.clientCertificate).toMatchObject({ requested: 'unknown', status: 'unknown', unknownBecause: 'handshake-not-captured' });
        expect(c.clientCertificate.sentence).toMatch(/handshake not captured/);
        expect(c.verdict).toBe('ok');
        expect(loud(c)).toEqual([]);
        const codes = c.diagnoses.map((d) => d.code);
        expect(codes).toContain('handshake-not-captured');
        expect(codes).toContain('orientation-guessed');
        expect(c.diagnoses.find((d) => d.code === 'orientation-guessed')?.inferred).toBe(true);
        expect(c.established).toBeUndefined();
        expect(c.alerts).toEqual([]);
      });
    }
  }

  it('every format says the orientation is guessed', async () => {
    const c = (await analyse(cap('tls12-after-handshake'), { all: false })).connections[0];
    expect(connectionHeader(c)).toMatch(/^#0 +127\.0\.0\.1:\d+ -> 127\.0\.0\.1:21301 +\(client\/server guessed\)/);
    expect(lineText(connectionTitle(c))).toMatch(/-> 127\.0\.0\.1:21301 +\(client\/server guessed\)/);
  });

  it('tls12-after-handshake: the two 26-byte close_notify records are encrypted alerts, not 16 plaintext alerts', async () => {
    const c = (await analyse(cap('tls12-after-handshake'), { all: false })).connections[0];
    expect(c.events.filter((e) => e.kind === 'alert')).toEqual([]);
    const enc = c.events.filter((e) => e.kind === 'encrypted' && e.type === 'Alert');
    expect(enc.map((e) => [e.direction, e.length])).toEqual([
      ['client->server', 26],
      ['server->client', 26],
    ]);
    expect(enc[0].level).toBeUndefined();
    expect(enc[0].description).toBeUndefined();
    expect(c.warnings.filter((w) => /alert record of/.test(w))).toEqual([]);
  });

  it('tls12-listening-port: a port that accepted an earlier connection is the server, even when it is the higher port', async () => {
    const a = await analyse(cap('tls12-listening-port'), { all: false });
    expect(a.connections.length).toBe(2);
    const [whole, cut] = a.connections;
    expect(whole.orientation).toBeUndefined(); // SYN captured: a fact, nothing to say
    expect(whole.server.port).toBe(21399);
    expect(whole.verdict).toBe('mtls-ok');
    expect(cut.client.port).toBe(21300);
    expect(cut.server.port).toBe(21399);
    expect(cut.orientation).toMatchObject({ basis: 'listening-port', inferred: true });
    expect(cut.clientCertificate.unknownBecause).toBe('handshake-not-captured');
    expect(loud(cut)).toEqual([]);
  });
});

describe('a capture that starts after the ClientHello', () => {
  it('tls12-mid-handshake: the ServerHello decides the orientation; the client certificate is the client\'s', async () => {
    const c = (await analyse(cap('tls12-mid-handshake'), { keylog: keys('tls12-mid-handshake'), all: false })).connections[0];
    expect(c.server.port).toBe(21301);
    expect(c.orientation).toMatchObject({ basis: 'server-hello', inferred: false });
    expect(c.events[0]).toMatchObject({ type: 'ServerHello', direction: 'server->client' });
    expect(c.clientCertificate.status).toBe('sent');
    expect(c.clientCertificate.chain?.[0].subject).toBe('CN=test-client,O=tls-inspect test PKI');
    expect(c.clientCertificate.acceptedAuthorities).toEqual(['CN=Test CA,O=tls-inspect test PKI']);
    expect(c.serverCertificates?.[0].subject).toBe('CN=localhost,O=tls-inspect test PKI');
    expect(loud(c)).toEqual([]);
    expect(c.verdict).toBe('mtls-ok');
    expect(c.diagnoses.map((d) => d.code)).toContain('client-hello-not-captured');
  });

  it('tls13-mid-handshake: oriented by the ServerHello, the size inference sees the client\'s certificate flight', async () => {
    const c = (await analyse(cap('tls13-mid-handshake'), { all: false })).connections[0];
    expect(c.server.port).toBe(21302);
    expect(c.orientation?.basis).toBe('server-hello');
    expect(c.clientCertificate).toMatchObject({ status: 'sent', visibility: 'inferred', requested: true });
    expect(c.verdict).toBe('mtls-ok');
    expect(c.verdictInferred).toBe(true);
  });
});

describe('alert records whose content is not level + description', () => {
  it('plausibleAlerts: 1..8 pairs with level 1 or 2 only', () => {
    expect(plausibleAlerts(Uint8Array.of(1, 0))).toBe(true);
    expect(plausibleAlerts(Uint8Array.of(2, 48))).toBe(true);
    expect(plausibleAlerts(Uint8Array.of(2, 48, 1, 0))).toBe(true);
    expect(plausibleAlerts(Uint8Array.of())).toBe(false);
    expect(plausibleAlerts(Uint8Array.of(2))).toBe(false);
    expect(plausibleAlerts(Uint8Array.of(2, 48, 1))).toBe(false);
    expect(plausibleAlerts(Uint8Array.of(3, 48))).toBe(false);
    expect(plausibleAlerts(Uint8Array.of(0, 0))).toBe(false);
    // a TLS 1.2 AES-GCM close_notify: 8-byte explicit nonce + 2 + 16-byte tag
    expect(plausibleAlerts(new Uint8Array(26).fill(1))).toBe(false);
  });
});

describe('TLS 1.3 post-handshake authentication (tls13-pha: s_server `c` command, s_client -enable_pha)', () => {
  it('without keys: not "not requested" but unknown, and why', async () => {
    const c = (await analyse(cap('tls13-pha'), { all: false })).connections[0];
    expect(c.clientCertificate.status).toBe('unknown');
    expect(c.clientCertificate.requested).toBe('unknown');
    expect(c.clientCertificate.unknownBecause).toBe('post-handshake-auth-possible');
    expect(c.clientCertificate.sentence).toMatch(/post_handshake_auth/);
    expect(c.diagnoses.map((d) => d.code)).toContain('post-handshake-auth-possible');
    expect(c.diagnoses.map((d) => d.code)).not.toContain('client-cert-not-requested');
    // "ok" rests on the size inference (the server went on after the client's Finished)
    expect(c.verdict).toBe('ok');
    expect(c.verdictInferred).toBe(true);
  });

  it('with keys: the post-handshake CertificateRequest and Certificate are decrypted, and so is everything after them', async () => {
    const c = (await analyse(cap('tls13-pha'), { keylog: keys('tls13-pha'), all: false })).connections[0];
    const cr = c.events.filter((e) => e.type === 'CertificateRequest');
    expect(cr.length).toBe(1);
    expect(cr[0].visibility).toBe('decrypted');
    // after both sides' handshake Finished: post-handshake
    const fins = c.events.filter((e) => e.type === 'Finished');
    expect(fins.length).toBe(3);
    expect(cr[0].frame).toBeGreaterThan(fins[1].frame);
    expect(c.clientCertificate.status).toBe('sent');
    expect(c.clientCertificate.frame).toBeGreaterThan(cr[0].frame);
    expect(c.clientCertificate.chain?.[0].subject).toBe('CN=test-client,O=tls-inspect test PKI');
    expect(c.clientCertificate.sentence).toMatch(/after the handshake \(TLS 1\.3 post-handshake authentication\)/);
    // the PHA Finished does not switch keys again: the close_notify alerts still decrypt
    expect(c.warnings.filter((w) => /did not decrypt/.test(w))).toEqual([]);
    expect(c.alerts.map((a) => [a.direction, a.description])).toEqual([
      ['client->server', 'close_notify'],
      ['server->client', 'close_notify'],
    ]);
    expect(c.verdict).toBe('mtls-ok');
  });
});

describe('TLS 1.3 post-handshake authentication with handshake secrets only', () => {
  it('tls13-pha, key log without the application secrets: the handshake is decrypted, the client certificate still unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsi-pha-'));
    const keylog = join(dir, 'hs.keys');
    writeFileSync(keylog, readFileSync(keys('tls13-pha'), 'utf8').split('\n').filter((l) => !l.includes('TRAFFIC_SECRET_0')).join('\n'));
    try {
      const c = (await analyse(cap('tls13-pha'), { keylog, all: false })).connections[0];
      expect(c.decrypted).toBe(true);
      expect(c.events.some((e) => e.type === 'EncryptedExtensions' && e.visibility === 'decrypted')).toBe(true);
      expect(c.clientCertificate).toMatchObject({ status: 'unknown', requested: 'unknown', unknownBecause: 'post-handshake-auth-possible' });
      expect(c.diagnoses.map((d) => d.code)).not.toContain('client-cert-not-requested');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resumed sessions carry the identity of the original handshake', () => {
  for (const withKeys of [false, true]) {
    it(`tls13-resumption${withKeys ? ' (keys)' : ''}: the PSK resumption is "resumed", neither not-requested nor not-sent`, async () => {
      const a = await analyse(cap('tls13-resumption'), { keylog: withKeys ? keys('tls13-resumption') : undefined, all: false });
      const c = a.connections[1];
      expect(c.resumed).toBe(true);
      expect(c.clientCertificate).toMatchObject({ status: 'unknown', unknownBecause: 'resumed', requested: false });
      expect(c.clientCertificate.sentence).toBe(
        'resumed: no certificate is sent; the identity comes from the original session (the client certificate, if any, of the full handshake that created it)',
      );
      expect(c.diagnoses.map((d) => d.code)).toContain('session-resumed');
      expect(loud(c)).toEqual([]);
      expect(a.connections[0].clientCertificate.status).toBe('sent');
    });
  }

  it('tls12-resumption: session-id and session-ticket resumptions are "resumed"; the full handshakes show the certificate', async () => {
    const a = await analyse(cap('tls12-resumption'), { keylog: keys('tls12-resumption'), all: false });
    expect(a.connections.map((c) => [c.resumed, c.clientCertificate.status, c.clientCertificate.unknownBecause])).toEqual([
      [false, 'sent', undefined],
      [true, 'unknown', 'resumed'],
      [false, 'sent', undefined],
      [true, 'unknown', 'resumed'],
    ]);
    for (const c of a.connections) expect(loud(c)).toEqual([]);
    // the session-id resumption: the ClientHello offers the session id the ServerHello echoes
    expect(a.connections[1].events.find((e) => e.type === 'ServerHello')?.details?.sessionId).toBeDefined();
  });
});

describe('an encrypted alert that answers the client\'s own close is not a rejection (TLS 1.3, no keys)', () => {
  it('tls13-client-closes-first: close_notify or rejection is left open, neither is claimed', async () => {
    const c = (await analyse(cap('tls13-client-closes-first'), { all: false })).connections[0];
    const codes = c.diagnoses.map((d) => d.code);
    expect(codes).not.toContain('client-cert-rejected');
    expect(c.verdict).not.toBe('failed');
    const amb = c.diagnoses.find((d) => d.code === 'encrypted-alert-ambiguous');
    expect(amb).toMatchObject({ severity: 'warning', inferred: true });
    expect(amb?.summary).toMatch(/close_notify, or a rejection/);
    expect(c.established).toBeUndefined();
    expect(c.verdictInferred).toBe(true);
    const alerts = c.events.filter((e) => e.type === 'Alert');
    expect(alerts.map((e) => [e.direction, e.length, e.visibility])).toEqual([
      ['client->server', 19, 'inferred'],
      ['server->client', 19, 'inferred'],
    ]);
  });

  it('with keys: both are close_notify and the client certificate was accepted', async () => {
    const c = (await analyse(cap('tls13-client-closes-first'), { keylog: keys('tls13-client-closes-first'), all: false })).connections[0];
    expect(c.alerts.map((a) => [a.direction, a.description])).toEqual([
      ['client->server', 'close_notify'],
      ['server->client', 'close_notify'],
    ]);
    expect(c.verdict).toBe('mtls-ok');
    expect(loud(c)).toEqual([]);
  });
});
