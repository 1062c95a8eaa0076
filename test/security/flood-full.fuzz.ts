/**
 * `npm run fuzz` only: full-size floods through the real CLI with the default limits, peak RSS
 * <= 768 MiB and exit 0: 1,000,000 SYN-only connections (70 MB), 100,000 ClientHello-only
 * connections (34 MB; text, json, html), 1,000 connections each holding 98 % of a 1 MiB
 * Certificate (1 GB).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloFlood, partialCertificateFlood, synFlood } from './flood-captures.js';
import { run } from './flood-run.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-flood-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('full-size floods with the default limits: peak RSS <= 768 MiB, exit 0', () => {
  it('1,000,000 SYN-only connections (70 MB)', async () => {
    const cap = join(dir, 'syn-1m.pcap');
    synFlood(cap, 1_000_000);
    const r = await run(['file', cap, '--format', 'jsonl'], dir);
    expect(r.code, r.stderr).toBe(0);
    console.log(`flood: 1,000,000 SYN-only: ${r.rssMiB.toFixed(0)} MiB peak RSS`);
    expect(r.rssMiB).toBeLessThanOrEqual(768);
  }, 900_000);

  for (const format of ['text', 'json', 'html']) {
    it(`100,000 ClientHello-only connections, --format ${format}`, async () => {
      const cap = join(dir, 'hello-100k.pcap');
      try {
        statSync(cap);
      } catch {
        helloFlood(cap, 100_000);
      }
      const r = await run(['file', cap, '--format', format], dir);
      expect(r.code, r.stderr).toBe(0);
      console.log(`flood: 100,000 ClientHello-only, ${format}: ${r.rssMiB.toFixed(0)} MiB peak RSS`);
      expect(r.rssMiB).toBeLessThanOrEqual(768);
    }, 900_000);
  }

  it('1,000 connections each holding 98 % of a 1 MiB Certificate (1 GB)', async () => {
    const cap = join(dir, 'partial-1000.pcap');
    partialCertificateFlood(cap, 1000);
    const r = await run(['file', cap, '--format', 'jsonl'], dir);
    expect(r.code, r.stderr).toBe(0);
    console.log(`flood: 1,000 partial 1 MiB Certificates: ${r.rssMiB.toFixed(0)} MiB peak RSS`);
    expect(r.rssMiB).toBeLessThanOrEqual(768);
    rmSync(cap, { force: true });
  }, 900_000);
});
