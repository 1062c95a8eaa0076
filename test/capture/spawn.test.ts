/**
 * Real child processes: `... | node script -` (stdin as a pipe and as a redirected file), and, when
 * running as root, the permission errors seen by an unprivileged user (via setpriv).
 * The capture stage is compiled with tsc into tmp/ (git-ignored) so plain node can run it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epb, idb, payload, pcapFile, shb } from './builders.js';

const ROOT = join(import.meta.dirname, '../..');
const buildDir = join(ROOT, 'tmp', `capture-spawn-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'tls-inspect-spawn-'));
const runner = join(buildDir, 'run.mjs');

const RUNNER = `
import { openCaptureFile, openLiveCapture } from './capture/index.js';
const [mode, arg] = process.argv.slice(2);
try {
  if (mode === 'live') {
    const src = openLiveCapture({ iface: arg });
    src.stop();
    console.log(JSON.stringify({ ok: true }));
  } else {
    const src = await openCaptureFile(arg);
    let sum = 0;
    const warnings = [];
    const s = await src.run({ packet(p) { sum += p.data.length; }, secrets() {}, warning(w) { warnings.push(w.message); } });
    console.log(JSON.stringify({ kind: s.kind, packets: s.packets, gzip: s.gzip, bytes: sum, warnings }));
  }
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message }));
  process.exitCode = 2;
}
`;

const pcapBytes = pcapFile({ le: false, nano: true, records: [1, 2, 3, 4].map((i) => ({ sec: i, frac: i, data: payload(100 * i, i) })) });
const pcapngBytes = Buffer.concat([shb(true), idb({ linkType: 1 }, true), ...[1, 2].map((i) => epb(true, 0, BigInt(i), payload(50, i)))]);

beforeAll(() => {
  mkdirSync(buildDir, { recursive: true });
  const tsc = spawnSync(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'), '--outDir', buildDir, '--rootDir', join(ROOT, 'src'),
    '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--strict',
    '--skipLibCheck', '--types', 'node', join(ROOT, 'src/capture/index.ts'),
  ], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  writeFileSync(runner, RUNNER);
});

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
  try {
    rmdirSync(join(ROOT, 'tmp')); // only when empty (it is git-ignored anyway)
  } catch {
    // not empty or already gone
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface RunResult {
  code: number | null;
  out: Record<string, unknown>;
  stderr: string;
}

function run(args: string[], stdin: Buffer | number | null, prefix: string[] = []): Promise<RunResult> {
  const cmd = prefix.length > 0 ? prefix[0]! : process.execPath;
  const argv = [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), runner, ...args];
  const child = spawn(cmd, argv, { stdio: [typeof stdin === 'number' ? stdin : 'pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  if (Buffer.isBuffer(stdin)) {
    // Write in pieces so the child sees several pipe reads.
    const s = child.stdin!;
    for (let i = 0; i < stdin.length; i += 100) s.write(stdin.subarray(i, i + 100));
    s.end();
  } else if (stdin === null) {
    child.stdin?.end();
  }
  return new Promise((resolve) => {
    child.on('close', (code) => {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      } catch {
        parsed = { unparsed: out };
      }
      resolve({ code, out: parsed, stderr: err });
    });
  });
}

describe('tls-inspect file - (a real pipe into a child process)', () => {
  it('pcap (nanosecond, big-endian), pcapng and gzip piped in', async () => {
    const pcapSum = 100 + 200 + 300 + 400;
    expect((await run(['file', '-'], pcapBytes)).out).toEqual({ kind: 'pcap', packets: 4, gzip: false, bytes: pcapSum, warnings: [] });
    expect((await run(['file', '-'], pcapngBytes)).out).toEqual({ kind: 'pcapng', packets: 2, gzip: false, bytes: 100, warnings: [] });
    expect((await run(['file', '-'], gzipSync(pcapBytes))).out).toEqual({ kind: 'pcap', packets: 4, gzip: true, bytes: pcapSum, warnings: [] });
  });

  it('stdin redirected from a file (< file.pcapng.gz)', async () => {
    const p = join(dataDir, 'in.gz');
    writeFileSync(p, gzipSync(pcapngBytes));
    const fd = openSync(p, 'r');
    try {
      expect((await run(['file', '-'], fd)).out).toMatchObject({ kind: 'pcapng', packets: 2, gzip: true });
    } finally {
      closeSync(fd);
    }
  });

  it('garbage and nothing on stdin: exit code 2 with one line', async () => {
    const g = await run(['file', '-'], Buffer.from('not a capture at all'));
    expect([g.code, g.out]).toEqual([2, { error: 'CaptureError', message: 'not a pcap/pcapng file: stdin' }]);
    const e = await run(['file', '-'], Buffer.alloc(0));
    expect([e.code, e.out]).toEqual([2, { error: 'CaptureError', message: 'cannot open stdin: empty file' }]);
  });
});

const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const asNobody = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
if (!isRoot || !hasSetpriv) {
  console.log(`skipping permission tests: ${!isRoot ? 'not running as root' : 'setpriv not installed'}`);
}

describe.skipIf(!isRoot || !hasSetpriv)('as an unprivileged user (setpriv to nobody)', () => {
  it('an unreadable file: permission denied', async () => {
    const p = join(dataDir, 'secret.pcap');
    writeFileSync(p, pcapBytes);
    chmodSync(p, 0o600);
    chmodSync(dataDir, 0o755);
    const r = await run(['file', p], null, asNobody);
    expect(r.out).toEqual({ error: 'CaptureError', message: `cannot open ${p}: permission denied` });
  });

  it('live capture without privileges: the setcap advice', async () => {
    const r = await run(['live', 'lo'], null, asNobody);
    if (r.out.message === undefined && r.out.ok === undefined) throw new Error(`unexpected output: ${JSON.stringify(r)}`);
    expect(r.out).toEqual({
      error: 'CaptureError',
      message: 'permission denied capturing on lo: run as root or setcap cap_net_raw,cap_net_admin+eip $(which node)',
    });
  });
});
