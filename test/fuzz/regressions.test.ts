/**
 * Regression tests for problems found by the fuzz and memory runs (issue 9). Each names the
 * input, what went wrong and where; none is skipped: a failure here is a bug in src/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TcpReassembler } from '../../src/tcp/index.js';
import type { TcpSegment } from '../../src/net/types.js';
import { SNI_BYTES, hostileCapture } from '../security/hostile-capture.js';
import { runCli } from './cli.js';
import { REPO } from './corpus.js';
import { concurrentCapture } from '../security/limit-captures.js';
import { probePipeline, probeReader } from './memory-probe.js';
import { UNSAFE_OUTPUT } from './targets-pipeline.js';
import { Flow, cat, pcapFile, pcapngIdb, pcapngShb, record, u24 } from './wire.js';

const MB16 = 16 * 1024 * 1024;
const TEN = new Uint8Array(10).fill(0x41);
const SERVER = { ip: [10, 0, 0, 2] as [number, number, number, number], port: 443 };

describe('memory grows with bytes received, not with declared lengths', () => {
  // src/capture/pcapng.ts feed(): a block spanning chunks gets `Buffer.allocUnsafe(totalLength)`
  // (line 66, and line 51 when the header itself spanned chunks) as soon as its 12-byte header is
  // read: a truncated or lying block costs up to BLOCK_MAX = 16 MiB for a few bytes of input.
  it('pcapng block declaring exactly 16 MiB with 10 bytes behind it', async () => {
    const big = Buffer.alloc(8);
    big.writeUInt32LE(6, 0);
    big.writeUInt32LE(MB16, 4);
    const p = await probeReader([cat(pcapngShb(), pcapngIdb(), big, TEN)]);
    expect(p.warnings.join('\n')).toMatch(/truncated pcapng block at offset 48: 18 of 16777216 bytes present/);
    expect(p.peakMb).toBeLessThan(4);
  });

  // src/tls/handshake-assembler.ts push(): a message header spanning records allocates
  // `new Uint8Array(4 + len)` (lines 114 and 130) for any len up to --max-message-kb (1 MiB by
  // default), per direction and connection, before its bytes arrive: a capture of N connections
  // sending 14 bytes each holds N MiB (1,000 connections in a ~130 KB capture: 1 GB).
  it('64 connections each declaring a 1 MiB - 1 handshake message with 6 bytes behind it', async () => {
    const frames: Uint8Array[] = [];
    const body = cat(Uint8Array.of(11), u24(0x0fffff), TEN.subarray(0, 6));
    for (let i = 0; i < 64; i++) {
      frames.push(...new Flow({ ip: [10, 0, 1, i], port: 40000 + i }, SERVER).handshake().send(true, record(22, body)).frames);
    }
    const p = await probePipeline([pcapFile(frames.map((data) => ({ data })))]);
    expect(p.peakMb).toBeLessThan(16);
  });
});

describe('time grows linearly with the input', () => {
  // Found by a pathological-order probe: 1-byte segments arriving in reverse order are each
  // inserted at the front of SegmentBuffer.items (src/tcp/segment-buffer.ts insert: items.splice(lo,
  // 0, seg)) and drained with items.shift(): both O(n) per segment, O(n^2) per direction. With
  // the default 4 MiB per-direction cap, 64k such segments (a 4.5 MB capture) cost ~14 s of CPU
  // (7 s push + 7 s flush) per direction and connection, where in-order data takes ~50 ms.
  it('48,000 one-byte segments in reverse order through TcpReassembler (default limits)', () => {
    const n = 48_000;
    let delivered = 0;
    let skipped = 0;
    const tcp = new TcpReassembler(() => ({
      data: (_s, c) => void (delivered += c.bytes.length), gap: (_s, g) => void (skipped += g.length), end() {}, complete() {},
    }));
    const one = Uint8Array.of(0x17);
    const t0 = performance.now();
    tcp.push({ frame: 1, tsSec: 0, tsNsec: 0 }, segment(0, 0x02, new Uint8Array(0)));
    for (let k = 0; k < n; k++) tcp.push({ frame: k + 2, tsSec: 0, tsNsec: 0 }, segment(1 + (n - 1 - k), 0x18, one));
    tcp.flush();
    const ms = performance.now() - t0;
    // every byte is delivered or inside a reported gap (a buffer cap may turn some into gaps)
    expect(delivered + skipped).toBe(n);
    expect(delivered).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1500);
  });
});

describe('machine-readable output stays terminal-safe', () => {
  // JSON.stringify escapes C0 controls but leaves DEL, the C1 controls (U+0080..U+009F, among them
  // the 8-bit CSI U+009B, which xterm interprets in UTF-8 mode) and bidi overrides (U+202E) raw:
  // `tls-inspect file x --format json` on a terminal prints them. They can be written as \u escapes
  // (still valid JSON, same parsed data). Seen in src/cli/output.ts renderReport / renderStreamed (now src/report/json-escape.ts).
  it.each(['json', 'jsonl'])('--format %s writes DEL, C1 and bidi characters as \\u escapes', async (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-json-'));
    try {
      const capture = join(dir, 'hostile.pcap');
      writeFileSync(capture, hostileCapture());
      const r = await runCli(['file', capture, '--format', format]);
      expect(r.code).toBe(0);
      const first = format === 'json' ? JSON.parse(r.stdout).connections[0] : r.stdout.split('\n').map((l) => (l ? JSON.parse(l) : {})).find((l) => l.record === 'connection');
      // data stays exact: the SNI is not UTF-8, so ASCII stays and each other byte is the text \xHH
      const expected = Array.from(SNI_BYTES, (b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16)}`)).join('');
      expect(first.serverName).toBe(expected);
      const raw = UNSAFE_OUTPUT.exec(r.stdout);
      expect(raw === null ? null : `U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${raw.index}`).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resource limits say when they act and refuse values they cannot use', () => {
  // --max-connections 2 with 5 connections open at once: the TcpReassembler completes the oldest as
  // 'evicted' (src/tcp/reassembler.ts open(), connectionEvictions++) but nothing reaches the
  // report: no connection warning, no source warning; each handshake silently splits into two
  // connections. The out-of-order buffer limit, by contrast, warns.
  it('--max-connections: evicting a live connection produces a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-maxconn-'));
    try {
      const capture = join(dir, 'concurrent.pcap');
      writeFileSync(capture, concurrentCapture(5));
      const r = await runCli(['file', capture, '--format', 'json', '--max-connections', '2']);
      expect(r.code).toBe(0);
      type W = { code: string; message: string };
      const report = JSON.parse(r.stdout) as { source: { warnings: W[] }; connections: Array<{ warnings: W[] }> };
      const all = [...report.source.warnings, ...report.connections.flatMap((c) => c.warnings)];
      expect(all.filter((w) => /connection/i.test(w.message) && /limit|max-connections|evict/i.test(w.message)).map((w) => w.code)).toContain('connection-evicted-limit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // yargs turns "abc" into NaN and src/cli/file-command.ts passes NaN / negative numbers on:
  // NaN disables the limit silently (every comparison is false); a negative buffer size as well.
  it.each([
    ['--max-buffer-mb', 'abc'], ['--max-buffer-mb', '-1'], ['--max-message-kb', 'abc'], ['--max-message-kb', '-5'],
    ['--max-connections', 'abc'], ['--max-connections', '-1'],
  ])('%s %s is refused with one line and exit 2', async (flag, value) => {
    const r = await runCli(['file', join(REPO, 'captures', 'tls12-no-cert.pcap'), '--format', 'json', `${flag}=${value}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^tls-inspect: [^\n]*${flag.slice(2)}[^\n]*\n$`));
  });
});

function segment(seq: number, flags: number, payload: Uint8Array): TcpSegment {
  return {
    ipVersion: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), srcPort: 40000, dstPort: 443, seq, ack: 0,
    flags, window: 65535, payload, payloadLength: payload.length, payloadTruncated: false, vlan: -1, error: '',
  };
}
