#!/usr/bin/env node
/**
 * Benchmark (issue 9): times tls-inspect on a big generated capture against merely iterating its
 * packets and, when installed, tshark and ssldump on the same file, in one run.
 *
 * Usage: node test/bench/run-bench.mjs [options]
 *   --file FILE        capture to use (default: bench-out/big.pcap, generated when missing)
 *   --packets N | --connections N | --size 100MB   generator target (default 300000 packets)
 *   --runs N           timings per command, the median is reported (default 3)
 *   --only a,b         subset of: iterate,json,jsonl,keylog,tshark,ssldump
 *   --no-tools         skip tshark and ssldump
 *   --dist DIR         run DIR/cli/main.js instead of bin/tls-inspect (e.g. a private build)
 *   --memory           memory test instead: 100 MB and 1 GB captures, jsonl and json, peak RSS
 *   --wait-load X      first wait (up to 10 min) until the 1-minute load average is below X
 * Needs a build (`npm run build`). Output files go to bench-out/ (git-ignored).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate, parseSize, REPO } from './make-big-capture.mjs';
import { load, median, rssMethod, timeOnce, waitForLoad, which } from './measure.mjs';

const OUT_DIR = join(REPO, 'bench-out');
const ALL = ['iterate', 'json', 'jsonl', 'keylog', 'tshark', 'ssldump'];
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

function commands(file, keys, o) {
  const cli = cliArgv(o.dist);
  const iterate = ['node', join(REPO, 'test/bench/iterate-packets.mjs'), file, ...(o.dist ? ['--dist', o.dist] : [])];
  const c = {
    iterate,
    json: [...cli, 'file', file, '--format', 'json', '-o', '/dev/null'],
    jsonl: [...cli, 'file', file, '--format', 'jsonl', '-o', '/dev/null'],
    keylog: [...cli, 'file', file, '--format', 'json', '--keylog', keys, '-o', '/dev/null'],
    tshark: ['tshark', '-r', file, ...TSHARK_ARGS],
    ssldump: ['ssldump', '-n', '-r', file],
  };
  return o.only.filter((k) => (k !== 'tshark' && k !== 'ssldump') || (o.tools && which(k))).map((k) => [k, c[k]]);
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

function printSpeedTable(info, rows) {
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
  const ratio = (a, b, target, sense) => {
    if (!by[a] || !by[b]) return;
    const x = by[a].wall / by[b].wall;
    const c = by[a].cpu / by[b].cpu;
    const ok = sense === 'min' ? x >= target : x <= target;
    lines.push(
      `- ${a} / ${b}: wall ${fmt(x)}x (target ${sense === 'min' ? '>=' : '<='} ${target}x: ${ok ? 'met' : 'NOT met'}); CPU time ${fmt(c)}x`,
    );
  };
  lines.push('');
  ratio('tshark', 'json', 20, 'min');
  ratio('ssldump', 'json', 5, 'min');
  ratio('json', 'iterate', 5, 'max');
  ratio('jsonl', 'iterate', 5, 'max');
  ratio('keylog', 'iterate', 5, 'max');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function speed(o) {
  let info;
  if (o.file) {
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
  if (info.packets === undefined) info.packets = NaN;
  printSpeedTable(info, rows);
}

async function memory(o) {
  const sizes = [['100MB', 'mem-100MB.pcap'], ['1GB', 'mem-1GB.pcap']];
  const lines = [
    `peak RSS by ${rssMethod}; one run each`,
    '',
    '| capture | packets | connections | what | wall s | CPU s | peak RSS MiB | command |',
    '|---|---:|---:|---|---:|---:|---:|---|',
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
      lines.push(
        `| ${size} (${fmt(info.bytes / 1048576, 0)} MiB) | ${info.packets} | ${info.connections} | ${what}${failed} | ${fmt(t.wallSec)} | ` +
          `${fmt(t.cpuSec)} | ${Math.round(t.rssKb / 1024)} | \`${shellQuote(argv)}\` |`,
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
