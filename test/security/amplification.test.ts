/**
 * Malformed and hostile Certificate messages: the output stays proportional to the capture (at most
 * 32 certificates kept per message, the rest counted), junk certificates get their own diagnosis and
 * no validity-based one, and a certificate list that overruns its message is "malformed", not "empty".
 * Small sizes here; `npm run fuzz` runs the full 100,000-entry case.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fuzz/cli.js';
import { junkCertificateList, overrunCertificateList } from './flood-captures.js';

const ENTRIES = Number(process.env['AMPLIFICATION_ENTRIES'] ?? 3000);
const CONNECTIONS = Number(process.env['AMPLIFICATION_CONNECTIONS'] ?? 3);

let dir = '';
let junk = '';
let overrun = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-amplification-'));
  junk = join(dir, 'junk.pcap');
  overrun = join(dir, 'overrun.pcap');
  junkCertificateList(junk, CONNECTIONS, ENTRIES);
  overrunCertificateList(overrun);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`a client Certificate listing ${ENTRIES} four-byte junk entries (${CONNECTIONS} connections)`, () => {
  for (const format of ['json', 'jsonl', 'text', 'markdown', 'html']) {
    it(`${format}: the report is at most 10x the capture, and says how many certificates were not kept`, async () => {
      const r = await runCli(['file', junk, '--format', format], { timeoutMs: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(10 * statSync(junk).size);
      // Markdown escapes the parentheses that follow
      expect(r.stdout).toContain(`${ENTRIES - 32} more certificates not kept`);
    });
  }

  it('json: 32 certificates kept, the count says how many were sent; unparseable, never "expired in 1970"', async () => {
    const r = await runCli(['file', junk, '--format', 'json'], { timeoutMs: 120_000 });
    const c = JSON.parse(r.stdout).connections[0];
    const cert = c.events.find((e: { type?: string; direction: string }) => e.type === 'Certificate' && e.direction === 'client->server');
    expect(cert.certificates).toHaveLength(32);
    expect(cert.certificatesNotKept).toBe(ENTRIES - 32);
    // the limit is a named warning about that message's frame and direction
    expect(c.warnings.filter((w: { code: string }) => w.code === 'tls-certificates-not-kept')).toEqual([{
      code: 'tls-certificates-not-kept',
      message: `Certificate in frame ${cert.frame}: ${ENTRIES - 32} more certificates not kept (at most 32 per Certificate message)`,
      frame: cert.frame,
      offset: cert.streamOffset,
      direction: 'client->server',
    }]);
    const codes = c.diagnoses.map((d: { code: string }) => d.code);
    expect(codes).toContain('certificate-unparseable');
    expect(codes).not.toContain('client-cert-expired');
    expect(codes).not.toContain('client-cert-unknown-ca');
    const text = await runCli(['file', junk], { timeoutMs: 120_000 });
    expect(text.stdout).toContain(`Certificate (${ENTRIES} certs, 32 kept)`);
  });
});

describe('a client Certificate whose certificate_list length runs past the message', () => {
  it('is MALFORMED (status, diagnosis, warning with its frame), never EMPTY', async () => {
    const r = await runCli(['file', overrun, '--format', 'json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).connections[0];
    expect(c.clientCertificate.status).toBe('malformed');
    const codes = c.diagnoses.map((d: { code: string }) => d.code);
    expect(codes).toContain('client-cert-malformed');
    expect(codes).not.toContain('client-cert-empty');
    expect(c.warnings).toContainEqual(expect.objectContaining({
      code: 'tls-message-malformed',
      message: `Certificate in frame ${c.clientCertificate.frame}: certificate_list length 5000 exceeds remaining 7 bytes`,
      frame: c.clientCertificate.frame,
      direction: 'client->server',
    }));
    const text = await runCli(['file', overrun]);
    expect(text.stdout).toContain('Certificate (MALFORMED)');
    expect(text.stdout).not.toContain('EMPTY');
  });
});
