/**
 * Corrupted committed captures through the real CLI (`tls-inspect file X --format json`):
 * truncated at random offsets and with random bit flips, it exits 0, names the damage with its
 * byte offset in source.warnings, and still reports every connection it could read — a connection
 * whose packets all lie before the damage has the same events as in the intact file.
 * CORRUPTION_CASES (default 24, fixed seed) sets the number of cases; `npm run fuzz` runs more.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureFiles, type CaptureFile } from './corpus.js';
import { pool, runCli } from './cli.js';
import { framesBefore, layout, unitAt, type Layout } from './layout.js';
import { Rng } from './rng.js';

const CASES = Number(process.env.CORRUPTION_CASES ?? 24);
const SEED = Number(process.env.CORRUPTION_SEED ?? 9);
/** CI keeps to the small captures; the fuzz run takes every one. */
const MAX_BYTES = CASES > 100 ? Infinity : 30_000;
const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Connection {
  id: number;
  lastFrame: number;
  events: unknown[];
}
interface Report {
  source: { warnings: Array<{ code: string; message: string }> };
  connections: Connection[];
}

interface Case {
  file: CaptureFile;
  layout: Layout;
  kind: 'truncate' | 'flip';
  bytes: Uint8Array;
  /** First damaged byte. */
  at: number;
  describe: string;
}

function makeCases(): Case[] {
  const rng = new Rng(SEED);
  const files = captureFiles(MAX_BYTES).filter((f) => f.name.startsWith('captures/') ? /\.pcap(ng)?$/.test(f.name) : f.name.endsWith('.pcapng'));
  for (let i = files.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  const cases: Case[] = [];
  for (let i = 0; i < CASES; i++) {
    const file = files[Math.floor(i / 2) % files.length]!;
    const l = layout(file.bytes);
    const first = l.kind === 'pcap' ? l.header : l.units[0]!.end; // keep the file header / SHB intact
    const at = first + rng.int(file.bytes.length - first);
    if (i % 2 === 0) {
      cases.push({ file, layout: l, kind: 'truncate', bytes: file.bytes.subarray(0, at), at, describe: `${file.name} cut at ${at}/${file.bytes.length}` });
    } else {
      const bytes = file.bytes.slice();
      const flips = [at, ...Array.from({ length: rng.int(6) }, () => at + rng.int(file.bytes.length - at))];
      for (const f of flips) bytes[f] ^= 1 << rng.int(8);
      cases.push({ file, layout: l, kind: 'flip', bytes, at, describe: `${file.name} bits flipped at ${flips.join(', ')}` });
    }
  }
  return cases;
}

const CASE_LIST = makeCases();
const fullReports = new Map<string, Promise<Report>>();

function args(path: string, f: CaptureFile): string[] {
  return ['file', path, '--format', 'json', ...(f.keysPath ? ['--keylog', f.keysPath] : [])];
}

function full(f: CaptureFile): Promise<Report> {
  let r = fullReports.get(f.path);
  if (!r) {
    r = runCli(args(f.path, f)).then((res) => {
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as Report;
    });
    fullReports.set(f.path, r);
  }
  return r;
}

async function check(c: Case, index: number): Promise<void> {
  const path = join(dir, `case-${index}${c.layout.kind === 'pcap' ? '.pcap' : '.pcapng'}`);
  writeFileSync(path, c.bytes);
  const [res, whole] = await Promise.all([runCli(args(path, c.file)), full(c.file)]);
  const what = `${c.describe} (${path})`;
  expect(res.signal, what).toBeNull();
  expect(res.stderr, what).toBe('');
  expect(res.code, what).toBe(0);
  const report = JSON.parse(res.stdout) as Report;
  const warnings = report.source.warnings.map((w) => w.message);
  const damaged = unitAt(c.layout, c.at);
  if (c.kind === 'truncate') {
    if (damaged && damaged.start !== c.at) {
      // the cut record / block is named by its offset
      expect(warnings.some((w) => w.includes(`offset ${damaged.start}`)), `${what}: ${JSON.stringify(warnings)}`).toBe(true);
    } else {
      expect(warnings.filter((w) => /truncated/.test(w)), what).toEqual([]);
    }
  }
  for (const w of warnings) expect(w, what).toMatch(/offset \d+|frame \d+|line \d+/);
  // connections read entirely before the damage: same events
  const intactFrames = damaged ? framesBefore(c.layout, damaged.start) : framesBefore(c.layout, c.at);
  const secretsIntact = c.layout.units.every((u) => !u.secrets || u.end <= (damaged?.start ?? c.at));
  const byId = new Map(report.connections.map((x) => [x.id, x]));
  for (const conn of whole.connections) {
    if (conn.lastFrame > intactFrames) continue;
    const got = byId.get(conn.id);
    expect(got, `${what}: connection #${conn.id} (frames up to ${conn.lastFrame} of ${intactFrames} intact) missing`).toBeDefined();
    if (secretsIntact) expect(got!.events, `${what}: connection #${conn.id}`).toEqual(conn.events);
    else expect(got!.events.length, `${what}: connection #${conn.id}`).toBe(conn.events.length);
  }
}

describe(`corrupted captures through the CLI (${CASE_LIST.length} cases, seed ${SEED})`, () => {
  it('every case exits 0, names the damage and keeps the connections before it', { timeout: 60_000 + CASES * 4000 }, async () => {
    const failures: string[] = [];
    await pool(
      CASE_LIST.map((c, i) => async () => {
        try {
          await check(c, i);
        } catch (err) {
          failures.push((err as Error).message.split('\n').slice(0, 6).join('\n'));
        }
      }),
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});
