/**
 * `--jobs N`: the report of N worker threads is byte-identical to one process's, on every committed
 * capture (with its key log), for json and text (jobs 1 vs 2 vs 3) and the other formats on a few.
 * The CLI runs in this process (the built dist/, whose workers load dist/cli/jobs-worker.js),
 * writing with -o; workers are forced on these small captures by calling runFileWithJobs directly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

const DIST = join(REPO, 'dist', 'cli');
const TMP = mkdtempSync(join(tmpdir(), 'tli-jobs-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

type Args = Record<string, unknown>;
interface Pool {
  close(): Promise<void>;
}
const files = (await import(join(DIST, 'files-command.js'))) as {
  runFileWithJobs(a: Args, jobs: number, pool: Pool): Promise<number>;
  jobsFallbacks: string[][];
};
const { WorkerPool } = (await import(join(DIST, 'jobs.js'))) as { WorkerPool: new (n: number) => Pool };
// one pool for the whole file: three workers load the modules once
const pool = new WorkerPool(3);
afterAll(() => pool.close());
const single = (await import(join(DIST, 'file-command.js'))) as { runFileCommand(a: Args): Promise<number> };

function captures(): string[] {
  const out: string[] = [];
  for (const dir of ['captures', 'captures/quic']) {
    for (const n of readdirSync(join(REPO, dir)).sort()) if (/\.(pcap|pcapng)$/.test(n)) out.push(join(REPO, dir, n));
  }
  return out;
}

function args(capture: string, format: string, output: string, extra: Args = {}): Args {
  const keys = capture.replace(/\.(pcap|pcapng)$/, '.keys');
  return {
    capture, format, output, keylog: existsSync(keys) ? [keys] : undefined, all: false, tui: false, color: false, brief: false,
    timeFormat: 'r', maxBufferMb: 256, maxConnections: 1_000_000, maxMessageKb: 1024, details: false, ...extra,
  };
}

let n = 0;
async function run(a: Args, jobs: number): Promise<{ code: number; bytes: Buffer }> {
  const output = join(TMP, `out-${n++}`);
  const code = jobs === 1 ? await single.runFileCommand({ ...a, output }) : await files.runFileWithJobs({ ...a, output }, jobs, pool);
  return { code, bytes: readFileSync(output) };
}

describe('--jobs N is byte-identical to --jobs 1', () => {
  const all = captures();
  it('covers the committed captures', () => {
    expect(all.length).toBeGreaterThan(70);
  });
  for (const format of ['json', 'text']) {
    it(`${format}: every committed capture, jobs 1 vs 2 vs 3`, async () => {
      const before = files.jobsFallbacks.length;
      for (const cap of all) {
        const one = await run(args(cap, format, ''), 1);
        for (const jobs of [2, 3]) {
          const many = await run(args(cap, format, ''), jobs);
          expect(many.code, `${cap} --jobs ${jobs}`).toBe(one.code);
          expect(many.bytes.equals(one.bytes), `${cap} ${format} --jobs ${jobs}`).toBe(true);
        }
      }
      // the workers did the work: only captures whose orientation needs the listening-port guess
      // (connections without a TCP or TLS handshake) went back to one process
      const back = files.jobsFallbacks.slice(before);
      expect(back.every((why) => why.join() === 'listening-port orientation'), back.join('; ')).toBe(true);
      expect(back.length).toBeLessThan(all.length / 4);
    }, 600_000);
  }
});

describe('--jobs 3 is byte-identical with options, every format (all-scenarios.pcap)', () => {
  const cap = join(REPO, 'captures', 'all-scenarios.pcap');
  const options: Array<[string, Args]> = [
    ['no option', {}],
    ['--all', { all: true }],
    ['--only failed', { only: ['failed'] }],
    ['-Y with a field no connection has', { displayFilter: 'verdict == "failed" || nosuchfield == 1' }],
    ['--brief --details', { brief: true, details: true }],
    ['--fail-on warning', { failOn: 'warning' }],
  ];
  for (const format of ['json', 'text', 'jsonl', 'html', 'markdown']) {
    it(format, async () => {
      for (const [what, extra] of options) {
        const one = await run(args(cap, format, '', extra), 1);
        const many = await run(args(cap, format, '', extra), 3);
        expect(many.code, what).toBe(one.code);
        expect(many.bytes.toString(), what).toBe(one.bytes.toString());
      }
    }, 120_000);
  }
});

describe('several captures: file A B DIR/', () => {
  const BIN = join(REPO, 'bin', 'tls-inspect');
  const A = join(REPO, 'captures', 'tls13-wrong-ca.pcap');
  const B = join(REPO, 'captures', 'tls12-no-cert-dsb.pcapng');
  const DIR = join(TMP, 'dir');
  const BAD = join(REPO, 'package.json');
  const cli = async (argv: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  mkdirSync(DIR);
  copyFileSync(join(REPO, 'captures', 'tls13-mtls-ok.pcap'), join(DIR, 'b.pcap'));
  copyFileSync(join(REPO, 'captures', 'tls12-mtls-ok.pcap'), join(DIR, 'a.pcap'));
  writeFileSync(join(DIR, 'notes.txt'), 'not a capture\n');
  const argv = ['file', A, B, DIR, BAD, '--keylog', join(REPO, 'captures', 'tls13-wrong-ca.keys'), '--keylog', join(REPO, 'captures', 'tls12-mtls-ok.keys')];

  it('json: sources in command-line order (a directory sorted, its other files left out), connections with their source, one stderr line for the bad file, exit 2', async () => {
    const r = await cli([...argv, '--format', 'json', '--jobs', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tls-inspect: not a pcap/pcapng file: ${BAD} (skipped; the other captures are reported)\n`);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'tool', 'sources', 'certificates', 'catalogue', 'connections', 'summary']);
    // every certificate reference resolves in the one table of every capture
    for (const c of j.connections) for (const sha of c.clientCertificate.chain ?? []) expect(j.certificates[sha].sha256).toBe(sha);
    expect(Object.keys(j.catalogue)).toEqual(expect.arrayContaining(Object.keys(j.summary.diagnoses)));
    const order = [A, B, join(DIR, 'a.pcap'), join(DIR, 'b.pcap'), BAD];
    expect(j.sources.map((s: { path: string }) => s.path)).toEqual(order);
    expect(j.sources[4].error).toBe(`not a pcap/pcapng file: ${BAD}`);
    expect(j.sources[0].summary.connections).toBe(1);
    expect(j.connections.map((c: { source: string; id: number }) => `${c.source}#${c.id}`)).toEqual(order.slice(0, 4).map((p) => `${p}#0`));
    // the overall summary counts every capture's connections
    expect(j.summary.connections).toBe(4);
    expect(j.summary.verdicts).toEqual({ failed: 2, 'mtls-ok': 2 });
    // --jobs 1 writes the same bytes
    const one = await cli([...argv, '--format', 'json', '--jobs', '1']);
    expect(one.stdout).toBe(r.stdout);
    expect(one.code).toBe(2);
  }, 120_000);

  it('jsonl: per capture a source line, its connections, its summary; the overall summary last', async () => {
    const r = await cli([...argv, '--format', 'jsonl', '--jobs', '2']);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // certificate lines come before the connection that refers to them; each capture's certificate lines are its own
    const kinds = lines.filter((l) => l.record !== 'certificate').map((l) => (l.record === 'connection' ? `connection:${l.source === lines.find((x) => x.record === 'source' && x.path === l.source)?.path}` : l.record));
    expect(kinds).toEqual(['source', 'connection:true', 'summary', 'source', 'connection:true', 'summary', 'source', 'connection:true', 'summary', 'source', 'connection:true', 'summary', 'source', 'summary']);
    let seen = new Set<string>();
    for (const l of lines) {
      if (l.record === 'source') seen = new Set();
      if (l.record === 'certificate') seen.add(l.sha256);
      if (l.record === 'connection') for (const sha of l.clientCertificate.chain ?? []) expect(seen.has(sha)).toBe(true);
    }
    expect(lines.at(-1).source).toBeUndefined();
    expect(lines.at(-1).connections).toBe(4);
    expect(lines.at(-2)).toMatchObject({ record: 'source', schemaVersion: 2, path: BAD, error: `not a pcap/pcapng file: ${BAD}` });
  }, 120_000);

  it('text: each capture then its summary, then the overall one; without a bad file the exit code is 0', async () => {
    const r = await cli(['file', A, DIR, '--format', 'text', '--jobs', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^Summary$/gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/\nOverall summary\n {2}source: 3 captures, \d+ frames\n {2}connections: 3 TCP, 3 TLS\n/);
    // the Fixes part once, after the last capture's summary and before the overall one
    expect(r.stdout.match(/^Fixes \(/gm)).toHaveLength(1);
    const fixesAt = r.stdout.indexOf('\nFixes (');
    expect(fixesAt).toBeGreaterThan(r.stdout.lastIndexOf('\nSummary\n'));
    expect(fixesAt).toBeLessThan(r.stdout.indexOf('\nOverall summary\n'));
    expect(r.stdout.slice(fixesAt)).toContain('client-cert-rejected (');
    // each capture's part is its one-capture report without the Fixes part
    const single = await cli(['file', A, '--format', 'text', '--jobs', '1']);
    const at = single.stdout.indexOf('Fixes (');
    expect(at).toBeGreaterThan(0);
    expect(r.stdout.startsWith(single.stdout.slice(0, at))).toBe(true);
  }, 120_000);

  it('--fail-on over several captures: exit 1; a directory without captures is a usage error', async () => {
    const r = await cli(['file', A, DIR, '--format', 'json', '--fail-on', 'error', '--jobs', '1']);
    expect(r.code).toBe(1);
    const empty = join(TMP, 'empty');
    mkdirSync(empty);
    const e = await cli(['file', A, empty, '--format', 'json']);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(`tls-inspect: ${empty} is a directory without pcap or pcapng files: give capture files or a directory holding some\n`);
    expect(e.stdout).toBe('');
  }, 120_000);
});

describe('--jobs on the command line', () => {
  const BIN = join(REPO, 'bin', 'tls-inspect');
  const CAPTURE = join(REPO, 'captures', 'tls13-mtls-ok.pcap');
  const cli = (argv: string[], input?: Buffer, env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: REPO, input, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', ...env }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  it('stdin (-r -, file -) runs in one process whatever --jobs says: the same report', () => {
    const want = cli(['file', CAPTURE, '--format', 'json', '--jobs', '1']);
    const input = readFileSync(CAPTURE);
    for (const argv of [['-r', '-'], ['file', '-']]) {
      const r = cli([...argv, '--format', 'json', '--jobs', '2'], input, { TLS_INSPECT_JOBS_MIN_BYTES: '0' });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(want.stdout.replace(`"path":${JSON.stringify(CAPTURE)}`, '"path":"-"'));
    }
  });
  it('a --jobs that is not a positive number is one line, exit 2', () => {
    const r = cli(['file', CAPTURE, '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tls-inspect: -j/--jobs needs a positive number, got "0"\n');
  });
  it('workers on a capture given on the command line: the same bytes (the size threshold off)', () => {
    const one = cli(['file', CAPTURE, '--format', 'json', '--jobs', '1']);
    const two = cli(['file', CAPTURE, '--format', 'json', '--jobs', '2'], undefined, { TLS_INSPECT_JOBS_MIN_BYTES: '0' });
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });
});
