/**
 * Warnings are facts with names: specific damage in real captures (made by the scripts in
 * captures/) gives specific catalogue codes, with the frame, stream offset and direction the
 * warning concerns; and whatever bytes are flipped, every warning of every connection and of the
 * source carries a catalogue code and fields that point into the capture.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineOutcome } from '../fuzz/targets-pipeline.js';
import { loadKeyMaterial } from '../../src/cli/inputs.js';
import { WARNING_CATALOGUE, type WarningCode } from '../../src/warning-codes.js';
import type { WarningModel } from '../../src/analysis/model.js';

const REPO = join(import.meta.dirname, '..', '..');
const bytes = (p: string) => new Uint8Array(readFileSync(join(REPO, p)));
const keys = (p: string) => readFileSync(join(REPO, p), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-warning-codes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(file: Uint8Array, keyText?: string): Promise<PipelineOutcome> {
  const out = await runPipeline({ seed: 'test', bytes: file, sizes: [file.length], keys: keyText, limits: {}, maxMessage: 1024 * 1024 });
  expect(out).not.toBeNull();
  return out!;
}

const all = (o: PipelineOutcome): WarningModel[] => [...o.warnings, ...o.connections.flatMap((c) => c.warnings)];
const withCode = (o: PipelineOutcome, code: WarningCode) => all(o).filter((w) => w.code === code);

describe('specific damage gives specific codes, with the frame it concerns', () => {
  it('bytes lost from a TLS stream (gap-mtls.pcap): tcp-capture-gap with stream offset, frame and direction', async () => {
    const o = await run(bytes('captures/gap-mtls.pcap'), keys('captures/gap-mtls.keys'));
    const gaps = withCode(o, 'tcp-capture-gap');
    expect(gaps.length).toBeGreaterThan(0);
    const c = o.connections.find((x) => x.warnings.some((w) => w.code === 'tcp-capture-gap'))!;
    for (const g of gaps) {
      const m = /^(client->server|server->client): capture gap: (\d+) bytes missing at stream offset (\d+)/.exec(g.message);
      expect(m, g.message).not.toBeNull();
      expect(g.direction).toBe(m![1]);
      expect(g.offset).toBe(Number(m![3]));
      expect(g.frame).toBeGreaterThanOrEqual(c.firstFrame);
      expect(g.frame).toBeLessThanOrEqual(c.lastFrame);
    }
    // the model's gap counters and the warnings tell the same story
    expect(gaps.filter((g) => g.direction === 'client->server').length).toBe(c.tcp.gaps.clientToServer);
    expect(gaps.filter((g) => g.direction === 'server->client').length).toBe(c.tcp.gaps.serverToClient);
  });

  it('a TLS 1.3 key log without SERVER_TRAFFIC_SECRET_0: keylog-secret-missing at the first server record left encrypted', async () => {
    const text = keys('captures/gnutls-tls13-mtls-ok.keys').split('\n').filter((l) => !l.startsWith('SERVER_TRAFFIC_SECRET_0')).join('\n');
    const o = await run(bytes('captures/gnutls-tls13-mtls-ok.pcap'), text);
    const c = o.connections[0]!;
    const missing = c.warnings.filter((w) => w.code === 'keylog-secret-missing');
    expect(missing.map((w) => w.message)).toEqual(['server->client: cannot decrypt server application records: SERVER_TRAFFIC_SECRET_0 missing from the key log']);
    const firstEncrypted = c.events.find((e) => e.direction === 'server->client' && e.kind === 'encrypted');
    expect(firstEncrypted).toBeDefined();
    expect(missing[0]).toMatchObject({ frame: firstEncrypted!.frame, offset: firstEncrypted!.streamOffset, direction: 'server->client' });
    // the client's records still decrypt: no warning about them
    expect(c.warnings.filter((w) => w.direction === 'client->server')).toEqual([]);
  });

  it('a cut pcap (all-scenarios.pcap, first 15,000 bytes): capture-truncated with the byte offset of the cut record', async () => {
    const whole = bytes('captures/all-scenarios.pcap');
    // the record the cut falls in: walk the 16-byte record headers (captured length at +8)
    let start = 24;
    while (start + 16 + new DataView(whole.buffer).getUint32(start + 8, true) <= 15_000) start += 16 + new DataView(whole.buffer).getUint32(start + 8, true);
    const o = await run(whole.subarray(0, 15_000));
    const cut = withCode(o, 'capture-truncated');
    expect(cut).toHaveLength(1);
    expect(cut[0]!.offset).toBe(start);
    expect(cut[0]!.message).toContain(`offset ${start}`);
  });

  it('an IPv4 header with version 5 in frame 3 (lo-ethernet.pcap): net-frame-malformed naming frame 3', async () => {
    const f = bytes('test/fixtures/net/lo-ethernet.pcap');
    // pcap: 24-byte file header, then per record a 16-byte header (captured length at +8)
    let at = 24;
    for (let n = 1; n < 3; n++) at += 16 + new DataView(f.buffer).getUint32(at + 8, true);
    expect(f[at + 16 + 12]! << 8 | f[at + 16 + 13]!).toBe(0x0800); // an IPv4 frame
    f[at + 16 + 14] = 0x55;
    const o = await run(f);
    expect(withCode(o, 'net-frame-malformed')).toEqual([{ code: 'net-frame-malformed', message: 'frame 3: IPv4 header has version 5', frame: 3 }]);
  });

  it('key log lines that are not key log lines: keylog-line-unusable source warnings', () => {
    const path = join(dir, 'mixed.keys');
    writeFileSync(path, `${keys('captures/gnutls-tls12-mtls-ok.keys')}this is not a key log line\n`);
    const r = loadKeyMaterial([path]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.code).toBe('keylog-line-unusable');
    expect(r.warnings[0]!.message).toMatch(/mixed\.keys line \d+: not a key log line/);
  });
});

describe('every warning of a damaged capture has a catalogue code and points into the capture', () => {
  const file = bytes('captures/all-scenarios.pcap');
  const keyText = keys('captures/all-scenarios.keys');
  it('flipped bytes anywhere past the file header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 24, max: file.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 40 }), async (flips) => {
        const f = file.slice();
        for (const [at, x] of flips) f[at] ^= x;
        const o = await run(f, keyText);
        const frames = o.connections.reduce((n, c) => Math.max(n, c.lastFrame), 0);
        for (const w of all(o)) {
          expect(Object.keys(WARNING_CATALOGUE)).toContain(w.code);
          expect(w.message.length).toBeGreaterThan(0);
          expect(Object.keys(w).slice(0, 2)).toEqual(['code', 'message']);
          if (w.frame !== undefined) expect(Number.isInteger(w.frame) && w.frame >= 1).toBe(true);
          if (w.offset !== undefined) expect(Number.isInteger(w.offset) && w.offset >= 0).toBe(true);
          if (w.direction !== undefined) expect(['client->server', 'server->client']).toContain(w.direction);
        }
        for (const c of o.connections) {
          for (const w of c.warnings) if (w.frame !== undefined) expect(w.frame).toBeLessThanOrEqual(Math.max(frames, c.lastFrame));
        }
      }),
      { numRuns: 40 },
    );
  });
});
