/**
 * Hostile input at scale: crafted captures that target memory (test/security/flood-captures.ts),
 * run through the real CLI in a child process whose peak RSS is read at exit (rss-probe.mjs).
 * Small sizes with a small --max-buffer-mb, so the global budget must act; the full sizes with the
 * default limits and a peak-RSS bound are in flood-full.fuzz.ts (`npm run fuzz`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partialCertificateFlood, synFlood } from './flood-captures.js';
import { run } from './flood-run.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-flood-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the global memory budget acts on small floods (--max-buffer-mb 16)', () => {
  it('20,000 SYN-only connections: 2,048 fit (8 KiB each), the rest are reported early, counted and warned', async () => {
    const cap = join(dir, 'syn.pcap');
    synFlood(cap, 20_000);
    const r = await run(['file', cap, '--format', 'json', '--max-buffer-mb', '16'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.source.warnings).toContainEqual({ code: 'connection-evicted-memory', message: '17952 TCP connection(s) reported early, least recently active first: the global memory budget (--max-buffer-mb) was full' });
    expect(report.summary.connections).toBe(20_000);
  }, 120_000);

  it('60 connections each holding 98 % of a 1 MiB Certificate: partial messages count against the budget', async () => {
    const cap = join(dir, 'partial.pcap');
    partialCertificateFlood(cap, 60);
    const r = await run(['file', cap, '--max-buffer-mb', '16'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /(\d+) TCP connection\(s\) reported early, least recently active first/.exec(r.stdout);
    // 16 MiB hold about 15 partial messages of ~1 MiB (+ 8 KiB state): at least 40 of 60 are evicted
    expect(m, r.stdout.slice(-2000)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(40);
  }, 120_000);
});

