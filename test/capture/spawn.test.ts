/**
 * Real child processes: `... | node script -` (stdin as a pipe and as a redirected file), and, when
 * running as root, the permission errors seen by an unprivileged user (via setpriv).
 * The capture stage is compiled with tsc into a temporary directory that user `nobody` can read
 * (the checkout itself may sit under a directory nobody cannot enter), so plain node can run it.
 * When the optional "cap" binding loads from the checkout it is copied beside the compiled code,
 * so the child sees the same binding as the checkout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epb, idb, payload, pcapFile, shb } from './builders.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tls-inspect-spawn-'));
chmodSync(work, 0o755);
const buildDir = join(work, 'build');
const dataDir = join(work, 'data');
mkdirSync(dataDir, { mode: 0o755 });
chmodSync(dataDir, 0o755); // whatever the umask
const runner = join(buildDir, 'run.mjs');

/** The package directory of the "cap" binding when it loads from the checkout, else null. */
function capPackageDir(): string | null {
  let pkg: string;
  try {
    pkg = createRequire(join(ROOT, 'package.json')).resolve('cap/package.json');
  } catch {
    return null; // not installed (it is an optional dependency)
  }
  // load it in a child: a broken native build must not take this worker down
  const probe = spawnSync(process.execPath, ['-e', 'require(process.argv[1]).Cap.deviceList()', dirname(pkg)], { encoding: 'utf8' });
  return probe.status === 0 ? dirname(pkg) : null;
}
const capDir = capPackageDir();

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
  ], { encoding: 'utf8', cwd: ROOT });
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  writeFileSync(runner, RUNNER);
  if (capDir !== null) cpSync(capDir, join(buildDir, 'node_modules', 'cap'), { recursive: true });
  readableByAll(buildDir);
});

/** chmod a+rX on a tree, whatever the umask was when it was written. */
function readableByAll(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) readableByAll(p);
    else chmodSync(p, 0o644 | (statSync(p).mode & 0o111));
  }
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
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

/** uid and gid of user nobody (numeric: the group's name differs between distributions). */
function nobodyIds(): [number, number] | null {
  const u = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return [Number(u.stdout.trim()), Number(g.stdout.trim())];
}

const ids = nobodyIds();
const asNobody = ids === null ? [] : ['setpriv', `--reuid=${ids[0]}`, `--regid=${ids[1]}`, '--clear-groups'];
function unprivilegedSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  if (spawnSync('setpriv', ['--version']).status !== 0) return 'setpriv not installed';
  if (ids === null) return 'no user nobody';
  if (spawnSync(asNobody[0]!, [...asNobody.slice(1), process.execPath, '-e', '0']).status !== 0) {
    return `user nobody cannot run ${process.execPath}`;
  }
  return null;
}
const skipReason = unprivilegedSkipReason();
if (skipReason !== null) console.log(`skipping permission tests: ${skipReason}`);

describe.skipIf(skipReason !== null)('as an unprivileged user (setpriv to nobody)', () => {
  it('an unreadable file: permission denied', async () => {
    const p = join(dataDir, 'secret.pcap');
    writeFileSync(p, pcapBytes);
    chmodSync(p, 0o600);
    const r = await run(['file', p], null, asNobody);
    expect(r.out).toEqual({ error: 'CaptureError', message: `cannot open ${p}: permission denied` });
  });

  // With the binding built, the advice is setcap; without it, building the binding comes first.
  it(`live capture without privileges: ${capDir !== null ? 'the setcap advice' : 'the libpcap binding advice (cap is not built here)'}`, async () => {
    const r = await run(['live', 'lo'], null, asNobody);
    expect(r.code, r.stderr).toBe(2);
    expect(r.out).toEqual({
      error: 'CaptureError',
      message: capDir !== null
        ? 'permission denied capturing on lo: run as root or setcap cap_net_raw,cap_net_admin+eip $(which node)'
        : 'live capture needs the libpcap binding (npm package "cap"): run apt-get install libpcap-dev && npm rebuild cap',
    });
  });
});
