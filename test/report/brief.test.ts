/**
 * --brief: one line per connection (id, endpoints, version, SNI, client certificate with frame,
 * decisive alert with sender and frame, verdict with inferred marked, first diagnosis code), then
 * one summary line that honours the filters and counts client certificates by (subject, issuer).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

function brief(args: string[]): string[] {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), '-r', 'captures/all-scenarios.pcap', '--brief', ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.trimEnd().split('\n');
}

describe('--brief', () => {
  it('one line per connection, then one summary line', () => {
    const lines = brief(['--keylog', 'captures/all-scenarios.keys']);
    expect(lines.length).toBe(7);
    expect(lines[1]).toBe(
      '    #1 127.0.0.1:41788 -> 127.0.0.1:44352           TLS 1.3 localhost            cert sent@27      server unknown_ca@30             failed            client-cert-unknown-ca',
    );
    expect(lines[2]).toBe(
      '    #2 127.0.0.1:56104 -> 127.0.0.1:44353           TLS 1.3 localhost            cert EMPTY@41     server certificate_required@42   failed            client-cert-empty',
    );
    expect(lines[0]).toMatch(/cert sent@8 +no alert +mtls-ok {11}-$/);
    // fixed columns: the verdict starts at the same offset on every line
    const at = lines.slice(0, 6).map((l) => l.search(/ (failed|mtls-ok) /));
    expect(new Set(at).size).toBe(1);
    expect(lines[6]).toBe(
      'Summary: 6 TLS of 6 TCP connections in 86 frames; verdicts failed 4, mtls-ok 2; client certificates sent 4, empty 2; ' +
        'subject/issuer CN=test-client,O=tls-inspect test PKI from CN=Test CA,O=tls-inspect test PKI 2, CN=evil-client,O=tls-inspect evil from CN=Evil CA,O=tls-inspect evil 2; ' +
        'diagnoses client-cert-unknown-ca 2, client-cert-empty 2, client-cert-required 2',
    );
  });

  it('marks what rests on inference (TLS 1.3 without keys)', () => {
    const lines = brief([]);
    expect(lines[2]).toBe(
      '    #2 127.0.0.1:56104 -> 127.0.0.1:44353           TLS 1.3 localhost            cert EMPTY?@41    server alert? (inferred)@42      failed (inferred) client-cert-required',
    );
  });

  it('the summary counts only the connections the filter kept', () => {
    const lines = brief(['--keylog', 'captures/all-scenarios.keys', '-Y', 'clientCertificate.chain.issuer contains Evil']);
    expect(lines.length).toBe(3);
    expect(lines[2]).toBe(
      "Summary: filter -Y 'clientCertificate.chain.issuer contains Evil': 2 of 6 connections; 2 TLS of 2 TCP connections in 86 frames; verdicts failed 2; " +
        'client certificates sent 2; subject/issuer CN=evil-client,O=tls-inspect evil from CN=Evil CA,O=tls-inspect evil 2; diagnoses client-cert-unknown-ca 2',
    );
  });
});
