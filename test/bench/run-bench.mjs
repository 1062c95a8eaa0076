#!/usr/bin/env node
/**
 * Benchmark (issues 9 and 14): times tls-inspect's default json, jsonl and `--details` json reports
 * (and json with the key log) on a big capture against merely iterating its packets and, when
 * installed, tshark and ssldump on the same file, in one run, side by side; then the bytes per
 * connection of the json report, a `--jobs 1` vs `--jobs 2` line, and the ratios against the
 * issue-14 targets (median wall): tshark/json >= 10x, ssldump/json >= 3x, ssldump/details >= 1x,
 * json/iterate and jsonl/iterate <= 5x, json <= 3,000 bytes per connection; --memory: peak RSS
 * <= 200 MiB on the 100 MB and 1 GB captures. A peer (tshark, ssldump) that is not installed, or an
 * option the CLI rejects (--details, --jobs), is skipped with a message.
 *
 * Usage: node test/bench/run-bench.mjs [options]
 *   --file FILE        capture to use (default: bench-out/big.pcap, generated when missing)
 *   --packets N | --connections N | --size 100MB   generator target (default 300000 packets)
 *   --runs N           timings per command, the median is reported (default 3)
 *   --real             capture real Node TLS mTLS traffic first (root: tcpdump on lo, ports
 *                      47000-47001; make-real-capture.mjs) into bench-out/real.pcap (+ .keys),
 *                      unless it exists, and bench on it; --connections N (default 24000) with it
 *   --only a,b         subset of: iterate,json,jsonl,details,keylog,tshark,ssldump,jobs,bytes
 *   --no-tools         skip tshark and ssldump
 *   --dist DIR         run DIR/cli/main.js instead of bin/tls-inspect (e.g. a private build)
 *   --memory           memory test instead: 100 MB and 1 GB captures, jsonl and json, peak RSS
 *   --wait-load X      first wait (up to 10 min) until the 1-minute load average is below X
 * Needs a build (`npm run build`). Output files go to bench-out/ (git-ignored).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generate, parseSize, REPO } from './make-big-capture.mjs';
import { makeRealCapture } from './make-real-capture.mjs';
import { load, median, rssMethod, timeOnce, waitForLoad, which } from './measure.mjs';

const OUT_DIR = join(REPO, 'bench-out');
const ALL = ['iterate', 'json', 'jsonl', 'details', 'keylog', 'tshark', 'ssldump', 'jobs', 'bytes'];
/** Issue 14 targets. */
const TARGETS = { tshark: 10, ssldump: 3, details: 1, iterate: 5, bytesPerConnection: 3000, rssMiB: 200 };
const TSHARK_ARGS = ['-Y', 'tls.handshake or tls.alert_message', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc'];

function parseArgs(argv) {
  const o = { runs: 3, only: ALL, tools: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--file') o.file = resolve(v());
    else if (a === '--packets') o.gen = { packets: Number(v()) };
    else if (a === '--connections') o.gen = { connections: Number(v()) };
    else if (a === '--size') o.gen = { size: parseSize(v()) };
    else if (a === '--runs') o.runs = Number(v());
    else if (a === '--only') o.only = v().split(',');
    else if (a === '--no-tools') o.tools = false;
    else if (a === '--dist') o.dist = resolve(v());
    else if (a === '--memory') o.memory = true;
    else if (a === '--real') o.real = true;
    else if (a === '--wait-load') o.waitLoad = Number(v());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n/, '')}*/\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see the comment at the top of this file)`);
  }
  for (const k of o.only) if (!ALL.includes(k)) throw new Error(`--only: unknown command ${k}`);
  if (!(Number.isInteger(o.runs) && o.runs >= 1)) throw new Error('--runs must be a positive integer');
  return o;
}

const log = (s) => process.stderr.write(`${s}\n`);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** The capture for `gen` options, generated unless an identical one exists. */
function ensureCapture(name, gen) {
  const out = join(OUT_DIR, name);
  const sidecar = `${out}.json`;
  if (existsSync(out) && existsSync(sidecar)) {
    const s = JSON.parse(readFileSync(sidecar, 'utf8'));
    const same = ['packets', 'connections', 'size'].every((k) => s.options[k] === gen[k]);
    if (same && statSync(out).size === s.bytes) return s;
  }
  log(`generating ${out} …`);
  return generate({ out, ...gen });
}

function cliArgv(dist) {
  return dist ? ['node', join(dist, 'cli/main.js')] : ['node', join(REPO, 'bin/tls-inspect')];
}

/** Whether the CLI accepts `extra` (e.g. --details, --jobs 2) on a small committed capture. */
function cliAccepts(cli, extra) {
  const r = spawnSync(cli[0], [...cli.slice(1), 'file', join(REPO, 'captures/tls13-mtls-ok.pcap'), '--format', 'json', ...extra, '-o', '/dev/null'], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
}

function commands(file, keys, o) {
  const cli = cliArgv(o.dist);
  const iterate = ['node', join(REPO, 'test/bench/iterate-packets.mjs'), file, ...(o.dist ? ['--dist', o.dist] : [])];
  const json = [...cli, 'file', file, '--format', 'json', '-o', '/dev/null'];
  const c = {
    iterate,
    json,
    jsonl: [...cli, 'file', file, '--format', 'jsonl', '-o', '/dev/null'],
    details: [...cli, 'file', file, '--format', 'json', '--details', '-o', '/dev/null'],
    keylog: [...cli, 'file', file, '--format', 'json', '--keylog', keys, '-o', '/dev/null'],
    tshark: ['tshark', '-r', file, ...TSHARK_ARGS],
    ssldump: ['ssldump', '-n', '-r', file],
    'jobs 1': [...json, '--jobs', '1'],
    'jobs 2': [...json, '--jobs', '2'],
  };
  const out = [];
  for (const k of o.only) {
    if (k === 'bytes') continue;
    if ((k === 'tshark' || k === 'ssldump') && !o.tools) continue;
    if ((k === 'tshark' || k === 'ssldump') && !which(k)) {
      log(`${k}: not installed, skipped`);
      continue;
    }
    if (k === 'keylog' && !(keys && existsSync(keys))) {
      log(`keylog: no key log beside the capture (${keys}), skipped`);
      continue;
    }
    if (k === 'details' || k === 'jobs') {
      const why = cliAccepts(cli, k === 'details' ? ['--details'] : ['--jobs', '2']);
      if (why) {
        log(`${k}: the CLI rejects ${k === 'details' ? '--format json --details' : '--jobs'} (${why}), skipped`);
        continue;
      }
    }
    if (k === 'jobs') out.push(['jobs 1', c['jobs 1']], ['jobs 2', c['jobs 2']]);
    else out.push([k, c[k]]);
  }
  return out;
}

/** The json report once into a file: its size per connection (connections counted in it). */
function bytesPerConnection(file, o) {
  const cli = cliArgv(o.dist);
  const outFile = join(OUT_DIR, 'bench-report.json');
  const argv = [...cli, 'file', file, '--format', 'json', '-o', outFile];
  log(`bytes: ${shellQuote(argv)}`);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`json report failed (${r.status}): ${r.stderr}`);
  const bytes = statSync(outFile).size;
  let connections;
  try {
    connections = JSON.parse(readFileSync(outFile, 'utf8')).connections.length;
  } catch (e) {
    log(`bytes: could not count the report's connections (${e instanceof Error ? e.message : e})`);
  }
  return { bytes, connections, perConnection: bytes / connections, argv };
}

function shellQuote(argv) {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ').replaceAll(`${REPO}/`, '');
}

async function timeCommand(name, argv, runs) {
  const walls = [];
  const cpus = [];
  const rss = [];
  const loads = [];
  for (let r = 0; r < runs; r++) {
    loads.push(load().one);
    const t = await timeOnce(argv, { cwd: REPO });
    if (t.status !== 0) throw new Error(`${name} failed (${t.status}): ${shellQuote(argv)}\n${t.stderr}`);
    walls.push(t.wallSec);
    cpus.push(t.cpuSec);
    rss.push(t.rssKb);
    log(`  ${name} run ${r + 1}: ${fmt(t.wallSec)} s wall, ${fmt(t.cpuSec)} s CPU, ${Math.round(t.rssKb / 1024)} MiB peak RSS, load ${fmt(loads[r])}`);
  }
  return { name, argv, wall: median(walls), walls, cpu: median(cpus), rssMb: median(rss) / 1024, load: median(loads) };
}

function printSpeedTable(info, rows, sizes) {
  const mb = info.bytes / 1e6;
  const lines = [
    `capture: ${info.out.replace(`${REPO}/`, '')} — ${info.packets} packets, ${info.connections} connections, ${fmt(mb, 1)} MB`,
    `median of ${rows[0]?.walls.length ?? 0} runs; peak RSS by ${rssMethod}; ${load().cpus} CPUs`,
    '',
    '| what | wall s (median) | runs (wall s) | CPU s (user+sys) | packets/s | MB/s | peak RSS MiB | load avg | command |',
    '|---|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${fmt(r.wall)} | ${r.walls.map((w) => fmt(w)).join(' / ')} | ${fmt(r.cpu)} | ${Math.round(info.packets / r.wall).toLocaleString('en')} | ` +
        `${fmt(mb / r.wall, 1)} | ${Math.round(r.rssMb)} | ${fmt(r.load)} | \`${shellQuote(r.argv)}\` |`,
    );
  }
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  /** a / b of median wall (and of CPU): `min` targets want a >= target, `max` targets a <= target */
  const ratio = (a, b, target, sense, label = `${a} / ${b}`) => {
    if (!by[a] || !by[b]) return;
    const x = by[a].wall / by[b].wall;
    const c = by[a].cpu / by[b].cpu;
    const t = target === undefined ? '' : ` (target ${sense === 'min' ? '>=' : '<='} ${target}x: ${(sense === 'min' ? x >= target : x <= target) ? 'met' : 'NOT met'})`;
    lines.push(`- ${label}: wall ${fmt(x)}x${t}; CPU time ${fmt(c)}x`);
  };
  lines.push('', 'ratios of median wall times (issue 14 targets):');
  ratio('tshark', 'json', TARGETS.tshark, 'min');
  ratio('ssldump', 'json', TARGETS.ssldump, 'min');
  ratio('ssldump', 'details', TARGETS.details, 'min');
  ratio('tshark', 'jsonl', undefined, 'min');
  ratio('json', 'iterate', TARGETS.iterate, 'max');
  ratio('jsonl', 'iterate', TARGETS.iterate, 'max');
  ratio('details', 'iterate', undefined, 'max');
  ratio('keylog', 'iterate', undefined, 'max');
  ratio('jobs 1', 'jobs 2', undefined, 'min', 'json --jobs 1 / --jobs 2 (speed-up of two workers)');
  if (sizes) {
    const per = sizes.perConnection;
    lines.push(
      `- json report size: ${sizes.bytes.toLocaleString('en')} bytes for ${sizes.connections ?? '?'} connections = ${Number.isFinite(per) ? Math.round(per).toLocaleString('en') : '?'} bytes per connection` +
        ` (target <= ${TARGETS.bytesPerConnection.toLocaleString('en')}: ${per <= TARGETS.bytesPerConnection ? 'met' : 'NOT met'}); \`${shellQuote(sizes.argv)}\``,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function speed(o) {
  let info;
  if (o.real) {
    const out = join(OUT_DIR, 'real.pcap');
    const connections = o.gen?.connections ?? 24000;
    const side = `${out}.json`;
    const have = existsSync(out) && existsSync(side) && JSON.parse(readFileSync(side, 'utf8')).options?.connections === connections;
    if (!have) {
      if (process.getuid?.() !== 0) throw new Error('--real captures with tcpdump on lo: run it as root');
      log(`capturing ${connections} real Node TLS connections into ${out} …`);
      await makeRealCapture({ out, connections });
    }
    info = JSON.parse(readFileSync(side, 'utf8'));
  } else if (o.file) {
    const side = `${o.file}.json`;
    info = existsSync(side) ? JSON.parse(readFileSync(side, 'utf8')) : { out: o.file, keysPath: o.file.replace(/\.(pcap|pcapng)$/, '.keys'), connections: '?', bytes: statSync(o.file).size };
  } else {
    info = ensureCapture('big.pcap', o.gen ?? { packets: 300_000 });
  }
  const rows = [];
  for (const [name, argv] of commands(info.out, info.keysPath, o)) {
    log(`${name}: ${shellQuote(argv)}`);
    rows.push(await timeCommand(name, argv, o.runs));
  }
  const sizes = o.only.includes('bytes') ? bytesPerConnection(info.out, o) : undefined;
  if (info.packets === undefined) info.packets = NaN;
  if (sizes?.connections !== undefined && typeof info.connections !== 'number') info.connections = sizes.connections;
  printSpeedTable(info, rows, sizes);
}

async function memory(o) {
  const sizes = [['100MB', 'mem-100MB.pcap'], ['1GB', 'mem-1GB.pcap']];
  const lines = [
    `peak RSS by ${rssMethod}; one run each`,
    '',
    `| capture | packets | connections | what | wall s | CPU s | peak RSS MiB | <= ${TARGETS.rssMiB} MiB (issue 14) | command |`,
    '|---|---:|---:|---|---:|---:|---:|---|---|',
  ];
  const cli = cliArgv(o.dist);
  for (const [size, name] of sizes) {
    const info = ensureCapture(name, { size: parseSize(size) });
    const cmds = [
      ['iterate', ['node', join(REPO, 'test/bench/iterate-packets.mjs'), info.out, ...(o.dist ? ['--dist', o.dist] : [])]],
      ['jsonl', [...cli, 'file', info.out, '--format', 'jsonl', '-o', '/dev/null']],
      ['json', [...cli, 'file', info.out, '--format', 'json', '-o', '/dev/null']],
    ].filter(([k]) => o.only === ALL || o.only.includes(k));
    for (const [what, argv] of cmds) {
      log(`${size} ${what}: ${shellQuote(argv)}`);
      const t = await timeOnce(argv, { cwd: REPO });
      const failed = t.status !== 0 ? ` (exit ${t.status}: ${t.stderr.split('\n').pop()})` : '';
      log(`  ${fmt(t.wallSec)} s wall, ${fmt(t.cpuSec)} s CPU, ${Math.round(t.rssKb / 1024)} MiB${failed}`);
      const mib = t.rssKb / 1024;
      const target = what === 'iterate' ? '' : mib <= TARGETS.rssMiB ? 'met' : 'NOT met';
      lines.push(
        `| ${size} (${fmt(info.bytes / 1048576, 0)} MiB) | ${info.packets} | ${info.connections} | ${what}${failed} | ${fmt(t.wallSec)} | ` +
          `${fmt(t.cpuSec)} | ${Math.round(mib)} | ${target} | \`${shellQuote(argv)}\` |`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  const o = parseArgs(process.argv.slice(2));
  if (!o.dist && !existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('not built: run `npm run build` first');
  if (o.waitLoad !== undefined) await waitForLoad(o.waitLoad, 600, log);
  const l = load();
  log(`load average at start: ${fmt(l.one)} (1 min), ${fmt(l.five)} (5 min) on ${l.cpus} CPUs`);
  if (o.memory) await memory(o);
  else await speed(o);
  const e = load();
  log(`load average at end: ${fmt(e.one)} (1 min), ${fmt(e.five)} (5 min)`);
} catch (e) {
  log(`run-bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
