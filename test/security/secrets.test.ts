/**
 * No output ever shows key material: every report format, -o files, stderr and the error paths
 * (malformed key log lines, a key log for other connections, SSLKEYLOGFILE) are searched for every
 * secret value of the committed key logs and of the pcapng Decryption Secrets Blocks, in either
 * case, and for any 32-hex-digit piece of one (a truncated or split secret is a leak too).
 * Every capture x every format runs in-process through the CLI's own pipeline and renderers; the
 * spawned CLI covers stdout/stderr/files on a sample (SECRETS_FULL=1, set by `npm run fuzz`, runs
 * the spawned CLI on every capture).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/open.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import { sourceModel } from '../../src/cli/file-command.js';
import { FORMATS, renderReport, renderStreamed, reportModel, TOOL } from '../../src/cli/output.js';
import { JsonlReport } from '../../src/report/jsonl.js';
import type { ConnectionModel } from '../../src/analysis/model.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import { CAPTURES, captureFiles, type CaptureFile } from '../fuzz/corpus.js';
import { pool, runCli } from '../fuzz/cli.js';
import { layout } from '../fuzz/layout.js';

const WINDOW = 32;

/** Third field of every key log line (the secret), lower-case. */
function secretsOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && !f[0]!.startsWith('#') && /^[0-9a-fA-F]{32,}$/.test(f[2]!)) out.push(f[2]!.toLowerCase());
  }
  return out;
}

/** Key log text inside the pcapng Decryption Secrets Blocks of a file. */
function dsbTexts(f: CaptureFile): string[] {
  if (!f.name.endsWith('.pcapng')) return [];
  const b = Buffer.from(f.bytes);
  return layout(f.bytes).units.filter((u) => u.secrets).map((u) => b.subarray(u.start + 16, u.start + 16 + b.readUInt32LE(u.start + 12)).toString('latin1'));
}

const FILES = captureFiles().filter((f) => f.path.startsWith(CAPTURES) || f.name.endsWith('.pcapng'));
const KEY_LOGS = [CAPTURES, join(CAPTURES, 'quic')].flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.keys')).map((n) => join(d, n)));
const SECRETS = [...new Set([...KEY_LOGS.flatMap((p) => secretsOf(readFileSync(p, 'utf8'))), ...FILES.flatMap((f) => dsbTexts(f).flatMap(secretsOf))])];
const WINDOWS = new Set<string>();
for (const s of SECRETS) for (let i = 0; i + WINDOW <= s.length; i++) WINDOWS.add(s.slice(i, i + WINDOW));

/** Every hex run of 32+ digits that overlaps a secret by 32 digits. */
function leaks(text: string, where: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/[0-9a-fA-F]{32,}/g)) {
    const run = m[0].toLowerCase();
    for (let i = 0; i + WINDOW <= run.length; i++) {
      if (WINDOWS.has(run.slice(i, i + WINDOW))) {
        found.push(`${where}: key material at character ${m.index! + i}: ${run.slice(i, i + 12)}…`);
        break;
      }
    }
  }
  return found;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tls-inspect-secrets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI's `file` path in-process: key log files, pipeline, every renderer. */
async function renderAll(f: CaptureFile, keyPaths: string[]): Promise<Record<string, string>> {
  const keys = new KeyMaterial();
  const keyWarnings = keyPaths.flatMap((p) => keys.addFile(p).issues).map((message) => ({ code: 'keylog-line-unusable' as const, message }));
  const kept: ConnectionModel[] = [];
  const streamed: string[] = [];
  // --details: the most a JSON line can carry
  const jsonl = new JsonlReport({ details: true }, TOOL);
  const pipeline = new Pipeline({
    keys,
    analysis: { includeNonTls: true },
    onConnection: (c) => {
      kept.push(c);
      streamed.push(renderStreamed('text', c, true), jsonl.connectionLines(c));
    },
  });
  const res = await pipeline.run(await openCaptureFile(f.path));
  const src = sourceModel(res, f.path, keys.secretCount());
  src.warnings.unshift(...keyWarnings);
  const report = reportModel(src, kept, res.analyzer.summary());
  const out: Record<string, string> = { streamed: streamed.join('') };
  for (const format of FORMATS) out[format] = renderReport(format, report, format === 'text', {}, { pretty: false, details: true });
  return out;
}

describe('key material never appears in any output', () => {
  it(`${SECRETS.length} secrets from ${KEY_LOGS.length} key logs and the pcapng DSBs are searched for`, () => {
    expect(SECRETS.length).toBeGreaterThan(100);
    // the search finds a secret, upper-cased and cut out of a longer run
    expect(leaks(`x${SECRETS[0]!.slice(5, 45).toUpperCase()}y`, 'probe').length).toBe(1);
    expect(leaks(SECRETS[0]!.slice(0, 31), 'probe')).toEqual([]);
  });

  it('every capture with its key log, every format (in-process renderers)', { timeout: 120_000 }, async () => {
    const found: string[] = [];
    for (const f of FILES) {
      const outputs = await renderAll(f, f.keysPath ? [f.keysPath] : []);
      for (const [format, text] of Object.entries(outputs)) found.push(...leaks(text, `${f.name} ${format}`));
    }
    expect(found).toEqual([]);
  });

  const sample = process.env.SECRETS_FULL ? FILES.filter((f) => f.keysPath || f.name.endsWith('.pcapng'))
    : FILES.filter((f) => ['captures/tls12-no-cert-dsb.pcapng', 'captures/tls13-wrong-ca-dsb.pcapng'].includes(f.name));

  it(`the spawned CLI: stdout and stderr of every format on ${sample.length} captures`, { timeout: 60_000 + sample.length * 20_000 }, async () => {
    const jobs = sample.flatMap((f) => FORMATS.map((format) => async () => {
      const r = await runCli(['file', f.path, '--format', format, ...(f.keysPath ? ['--keylog', f.keysPath] : [])]);
      expect(r.code, `${f.name} ${format}: ${r.stderr}`).toBe(0);
      return [...leaks(r.stdout, `${f.name} ${format} stdout`), ...leaks(r.stderr, `${f.name} ${format} stderr`)];
    }));
    expect((await pool(jobs)).flat()).toEqual([]);
  });

  it('reports written with -o (every format) and the key log given through SSLKEYLOGFILE', { timeout: 60_000 }, async () => {
    const f = FILES.find((x) => x.name === 'captures/all-scenarios.pcap')!;
    const jobs = FORMATS.map((format) => async () => {
      const out = join(dir, `report-${format}`);
      const r = await runCli(['file', f.path, '--format', format, '-o', out], { env: { SSLKEYLOGFILE: f.keysPath! } });
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text.length).toBeGreaterThan(100);
      return [...leaks(text, `-o ${format}`), ...leaks(r.stdout + r.stderr, `-o ${format} stdout/stderr`)];
    });
    expect((await pool(jobs)).flat()).toEqual([]);
  });

  it('error paths: malformed key log lines, a key log for other connections', { timeout: 90_000 }, async () => {
    const f = FILES.find((x) => x.name === 'captures/tls13-mtls-ok.pcap')!;
    const lines = readFileSync(f.keysPath!, 'utf8').split('\n').filter((l) => l.startsWith('CLIENT_') || l.startsWith('SERVER_'));
    const [label, random, secret] = lines[0]!.split(' ') as [string, string, string];
    const broken = [
      `${label} ${random} ${secret.slice(0, -1)}`, // odd number of hex digits
      `${label} ${random} ${secret.slice(0, 40)}`, // cut short
      `${label} ${random} ${secret} ${secret}`, // four fields
      `${random} ${secret}`, // label missing
      `${secret}`, // the secret alone
      `${label}${random}${secret}`, // spaces lost
      `${label} ${random.slice(2)} ${secret}`, // short client random
      `${label} ${random} ${secret.toUpperCase()}zz`, // not hex
      `RSA ${secret.slice(0, 16)} ${secret}`, // RSA line with a wrong-length pre-master secret
      `${label.toLowerCase()} ${random} ${secret}`, // lower-case label
      `X${secret.toUpperCase().replace(/[0-9]/g, 'G').slice(0, 60)} ${random} ${secret}`, // label-shaped secret
    ];
    const malformed = join(dir, 'malformed.keys');
    writeFileSync(malformed, [...broken, ...lines.slice(1)].join('\n') + '\n');
    const other = FILES.find((x) => x.name === 'captures/tls12-wrong-ca.pcap')!;
    const runs: Array<[string, string[]]> = [];
    for (const format of ['text', 'json', 'jsonl']) runs.push([`malformed ${format}`, ['file', f.path, '--format', format, '--keylog', malformed]]);
    for (const format of ['text', 'json']) runs.push([`other connections' keys ${format}`, ['file', other.path, '--format', format, '--keylog', f.keysPath!]]);
    runs.push(['two key logs', ['file', f.path, '--format', 'text', '--keylog', malformed, '--keylog', other.keysPath!]]);
    const results = await pool(runs.map(([what, args]) => async () => {
      const r = await runCli(args);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      return { what, r, found: [...leaks(r.stdout, `${what} stdout`), ...leaks(r.stderr, `${what} stderr`)] };
    }));
    expect(results.flatMap((x) => x.found)).toEqual([]);
    // the malformed lines were noticed (by line number), not silently ignored
    const text = results.find((x) => x.what === 'malformed text')!.r.stdout;
    expect(text).toMatch(/malformed\.keys line 1: /);
    // and every renderer, in-process, with both key logs
    for (const [capture, keys] of [[f, [malformed]], [other, [f.keysPath!, malformed]]] as const) {
      for (const [format, out] of Object.entries(await renderAll(capture, [...keys]))) {
        expect(leaks(out, `${capture.name} ${format} with ${keys.join(', ')}`)).toEqual([]);
      }
    }
  });
});
