/**
 * Resource limits through the real CLI: --max-buffer-mb (out-of-order reassembly bytes, all
 * connections), --max-message-kb (one handshake message assembled from several records),
 * --max-connections (TCP connections tracked at once). Each is documented in --help, changes the
 * result when lowered, and says so. (Missing warnings and unchecked values: regressions.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fuzz/cli.js';
import { concurrentCapture, outOfOrderCapture, splitCertificateCapture } from './limit-captures.js';

interface Conn {
  id: number;
  warnings: Array<{ code: string; message: string; frame?: number; offset?: number; direction?: string }>;
  events: Array<{ type?: string }>;
  tcp: { closedBy?: string };
}

let dir = '';
const paths = { ooo: '', split: '', concurrent: '' };
let certBody = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-limits-'));
  paths.ooo = join(dir, 'out-of-order.pcap');
  // ClientHello record: 5 + 4 + 53 bytes, so the hole starts at stream offset 62
  writeFileSync(paths.ooo, outOfOrderCapture(100, 1_300_000));
  const split = splitCertificateCapture(3);
  certBody = split.bodyLength;
  paths.split = join(dir, 'split-certificate.pcap');
  writeFileSync(paths.split, split.bytes);
  paths.concurrent = join(dir, 'concurrent.pcap');
  writeFileSync(paths.concurrent, concurrentCapture(5));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(path: string, extra: string[]): Promise<Conn[]> {
  const r = await runCli(['file', path, '--format', 'json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).connections as Conn[];
}

describe('resource limits from the command line', () => {
  it('--help documents the three limits and their defaults', async () => {
    const r = await runCli(['file', '--help']);
    expect(r.code).toBe(0);
    // yargs may wrap an option's description onto the next line
    expect(r.stdout).toMatch(/--max-buffer-mb\s[^[]*MiB[^[]*\[number\]\s+\[default: 256\]/);
    expect(r.stdout).toMatch(/--max-connections\s[^[]*\[number\]\s+\[default: 1000000\]/);
    expect(r.stdout).toMatch(/--max-message-kb\s[^[]*KiB[^[]*\[number\]\s+\[default: 1024\]/);
  });

  it('--max-buffer-mb: 1.3 MB behind a hole fits the default, not 1 MiB or 0.5 MiB', async () => {
    const [dflt, one, half] = await Promise.all([
      report(paths.ooo, []), report(paths.ooo, ['--max-buffer-mb', '1']), report(paths.ooo, ['--max-buffer-mb', '0.5']),
    ]);
    expect(dflt[0]!.warnings.filter((w) => w.code === 'tcp-buffer-limit')).toEqual([]);
    expect(dflt[0]!.warnings).toContainEqual(expect.objectContaining({
      code: 'tcp-capture-gap', message: 'client->server: capture gap: 100 bytes missing at stream offset 62 (unfilled-at-close)', offset: 62, direction: 'client->server',
    }));
    const skipped = 'reached: skipped 100 missing bytes at offset 62 of the client-to-server stream';
    expect(one[0]!.warnings).toContainEqual({ code: 'tcp-buffer-limit', message: `out-of-order buffer limit (total, 1048576 bytes) ${skipped}`, offset: 62, direction: 'client->server' });
    expect(one[0]!.warnings).toContainEqual(expect.objectContaining({ code: 'tcp-capture-gap', message: 'client->server: capture gap: 100 bytes missing at stream offset 62 (evicted)' }));
    expect(half[0]!.warnings).toContainEqual(expect.objectContaining({ code: 'tcp-buffer-limit', message: `out-of-order buffer limit (total, 524288 bytes) ${skipped}` }));
  });

  it('--max-message-kb: a Certificate split over two records is skipped with a warning below its size', async () => {
    expect(certBody).toBeGreaterThan(1024);
    expect(certBody).toBeLessThan(2048);
    const [dflt, one, two] = await Promise.all([
      report(paths.split, []), report(paths.split, ['--max-message-kb', '1']), report(paths.split, ['--max-message-kb', '2']),
    ]);
    expect(dflt[0]!.events.map((e) => e.type)).toEqual(['ClientHello', 'ServerHello', 'Certificate']);
    expect(two[0]!.events.map((e) => e.type)).toEqual(['ClientHello', 'ServerHello', 'Certificate']);
    expect(one[0]!.events.map((e) => e.type)).toEqual(['ClientHello', 'ServerHello']);
    expect(one[0]!.warnings).toContainEqual(expect.objectContaining({
      code: 'tls-handshake-message-too-long', message: `server->client: handshake message type 11 length ${certBody} exceeds the limit 1024; skipped (frame 5)`, frame: 5, direction: 'server->client',
    }));
  });

  it('--max-connections: with 5 connections open at once and a limit of 2, the oldest are closed as evicted', async () => {
    const [dflt, two] = await Promise.all([report(paths.concurrent, []), report(paths.concurrent, ['--max-connections', '2'])]);
    expect(dflt.length).toBe(5);
    for (const c of dflt) {
      expect(c.events.map((e) => e.type)).toEqual(['ClientHello', 'ServerHello']);
      expect(c.tcp.closedBy).not.toBe('evicted');
    }
    // each connection is evicted before its ServerHello arrives, which then opens a new one
    expect(two.length).toBe(10);
    expect(two.slice(0, 5).map((c) => [c.events.map((e) => e.type), c.tcp.closedBy])).toEqual(Array(5).fill([['ClientHello'], 'evicted']));
  });
});
