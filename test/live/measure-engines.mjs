#!/usr/bin/env node
/**
 * Capture-engine measurement for `tls-inspect live` (issue 19; not run in CI; needs root).
 *
 * Per engine (cap, dumpcap, tcpdump) two runs on 127.0.0.1:PORT, each with a fresh
 * `tls-inspect live -i lo -f 'tcp port PORT' --format jsonl --capture-engine E` child:
 *   burst — node:tls mTLS server (TLS 1.3, requestCert, captures/pki) in its own process and
 *           --clients client processes opening full handshakes as fast as they can for --burst s;
 *   stall — the same at a paced --stall-rate handshakes/s for 20 s, tls-inspect SIGSTOPped
 *           from second 5 to second 10 (SIGCONT), a 5 s stall of the analysing process.
 * Recorded: TCP connections made (client count) vs connections tls-inspect reported (all, and
 * complete = SYN seen and no gaps), kernel drops from tls-inspect's "capture stopped" line,
 * peak RSS (VmHWM) and CPU seconds of tls-inspect and of the engine process, the load average.
 *
 * Usage: node test/live/measure-engines.mjs [--port 22070] [--engines cap,dumpcap,tcpdump]
 *          [--burst 30] [--clients 2] [--concurrency 32] [--stall-rate 200] [--buffer-mb 32]
 * Prints one JSON line per run and a Markdown table at the end.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

const REPO = join(import.meta.dirname, '..', '..');
const PKI = (n) => readFileSync(join(REPO, 'captures', 'pki', n));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- roles run in child processes (never the driver below) --------------------------------------
const ROLE = process.argv[2];
if (ROLE === '--server') {
  const server = tls.createServer({ key: PKI('server.key'), cert: PKI('server.pem'), ca: [PKI('test-ca.pem')], requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' });
  server.on('secureConnection', (s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end('bye\n'));
  });
  server.on('tlsClientError', () => undefined);
  server.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('listening'));
  // orphaned (the driver died): go
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
} else if (ROLE === '--client') {
  const [port, seconds, concurrency, rate] = process.argv.slice(3).map(Number);
  const opts = { host: '127.0.0.1', port, servername: 'localhost', ca: [PKI('test-ca.pem')], cert: PKI('client.pem'), key: PKI('client.key'), minVersion: 'TLSv1.3' };
  let made = 0;
  let ok = 0;
  let n = 0;
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  const one = () => new Promise((resolve) => {
    made++;
    const s = tls.connect(opts);
    s.setTimeout(10_000, () => s.destroy());
    s.on('secureConnect', () => s.write('hi\n'));
    s.on('data', () => { ok++; s.end(); });
    s.on('error', () => undefined);
    s.on('close', resolve);
  });
  const worker = async () => {
    while (Date.now() < end) {
      const i = n++;
      if (rate > 0) {
        const due = t0 + (i * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        if (Date.now() >= end) break;
      }
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  console.log(JSON.stringify({ made, ok, seconds: (Date.now() - t0) / 1000 }));
  process.exit(0);
}

// ---- the driver ------------------------------------------------------------------------------
function opt(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const PORT = Number(opt('port', 22070));
const ENGINES = opt('engines', 'cap,dumpcap,tcpdump').split(',');
const BURST_S = Number(opt('burst', 30));
const CLIENTS = Number(opt('clients', 2));
const CONC = Number(opt('concurrency', 32));
const STALL_RATE = Number(opt('stall-rate', 200));
const BUFFER_MB = opt('buffer-mb', '32');

function status(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { hwmMiB: Number(/^VmHWM:\s+(\d+)/m.exec(s)[1]) / 1024, cpuS: (Number(st[11]) + Number(st[12])) / 100 };
  } catch {
    return null;
  }
}
function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
  } catch {
    return null;
  }
}
function collect(proc) {
  const o = { out: '', err: '', exit: null };
  proc.stdout.setEncoding('utf8').on('data', (s) => (o.out += s));
  proc.stderr.setEncoding('utf8').on('data', (s) => (o.err += s));
  o.done = new Promise((r) => proc.on('close', (code, signal) => r((o.exit = { code, signal }))));
  return o;
}
async function until(test, ms, what) {
  const dl = Date.now() + ms;
  while (!test()) {
    if (Date.now() > dl) throw new Error(`timeout waiting for ${what}`);
    await sleep(20);
  }
}

async function runOnce(engine, kind) {
  const server = spawn(process.execPath, [import.meta.filename, '--server', String(PORT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const so = collect(server);
  await until(() => so.out.includes('listening'), 15_000, 'server');
  const ti = spawn(process.execPath, [join(REPO, 'bin', 'tls-inspect'), 'live', '-i', 'lo', '-f', `tcp port ${PORT}`, '--format', 'jsonl', '--capture-engine', engine, '-B', BUFFER_MB], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SSLKEYLOGFILE: '' } });
  const to = collect(ti);
  await until(() => to.err.includes('capturing on') || to.exit, 30_000, 'tls-inspect');
  if (to.exit) throw new Error(`tls-inspect: ${to.err}`);
  const ePid = engine === 'cap' ? null : childPid(ti.pid);
  const load0 = loadavg()[0];
  const seconds = kind === 'burst' ? BURST_S : 20;
  const rate = kind === 'burst' ? 0 : STALL_RATE / CLIENTS;
  const clients = Array.from({ length: CLIENTS }, () => collect(spawn(process.execPath, [import.meta.filename, '--client', String(PORT), String(seconds), String(CONC), String(rate)], { stdio: ['ignore', 'pipe', 'pipe'] })));
  let peak = { ti: 0, engine: 0 };
  const sample = setInterval(() => {
    const a = status(ti.pid);
    const b = ePid ? status(ePid) : null;
    if (a) peak.ti = Math.max(peak.ti, a.hwmMiB);
    if (b) peak.engine = Math.max(peak.engine, b.hwmMiB);
  }, 500);
  if (kind === 'stall') {
    await sleep(5000);
    ti.kill('SIGSTOP');
    await sleep(5000);
    ti.kill('SIGCONT');
  }
  await Promise.all(clients.map((c) => c.done));
  const made = clients.reduce((n, c) => n + (JSON.parse(c.out.trim() || '{"made":0}').made ?? 0), 0);
  const count = () => to.out.split('\n').filter(Boolean).length;
  await until(() => count() >= made, 30_000, 'last reports').catch(() => undefined);
  const cpuTi = status(ti.pid)?.cpuS ?? NaN;
  const cpuE = ePid ? (status(ePid)?.cpuS ?? NaN) : null;
  peak = { ti: Math.max(peak.ti, status(ti.pid)?.hwmMiB ?? 0), engine: Math.max(peak.engine, ePid ? (status(ePid)?.hwmMiB ?? 0) : 0) };
  clearInterval(sample);
  ti.kill('SIGINT');
  await to.done;
  server.kill('SIGTERM');
  await so.done;
  const conns = to.out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.record === 'connection');
  const gaps = conns.filter((c) => c.tcp?.gaps && c.tcp.gaps.clientToServer + c.tcp.gaps.serverToClient > 0).length;
  const complete = conns.filter((c) => c.tcp?.synSeen && !(c.tcp?.gaps && c.tcp.gaps.clientToServer + c.tcp.gaps.serverToClient > 0)).length;
  const line = to.err.split('\n').find((l) => l.includes('capture stopped (')) ?? '';
  const kd = /kernel drops (\S+),/.exec(line)?.[1] ?? '?';
  const r = {
    engine, kind, seconds, made, perSecond: Math.round(made / seconds), reported: conns.length, complete, withGaps: gaps,
    kernelDrops: kd, tiPeakMiB: +peak.ti.toFixed(1), enginePeakMiB: ePid ? +peak.engine.toFixed(1) : null,
    tiCpuPct: +((cpuTi / seconds) * 100).toFixed(0), engineCpuPct: cpuE === null ? null : +((cpuE / seconds) * 100).toFixed(0),
    load: `${load0.toFixed(1)}-${loadavg()[0].toFixed(1)}`, exit: to.exit, stats: line.replace(/^tls-inspect: /, ''),
  };
  console.log(JSON.stringify(r));
  return r;
}

if (ROLE !== '--server' && ROLE !== '--client') await driver();

async function driver() {
const rows = [];
for (const kind of ['burst', 'stall']) for (const e of ENGINES) rows.push(await runOnce(e, kind));
console.log('\n| run | engine | handshakes made (/s) | reported | complete (SYN, no gap) | with gaps | kernel drops | peak RSS tls-inspect / engine MiB | CPU tls-inspect / engine (% of a core) | load avg |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.engine} | ${r.made} (${r.perSecond}) | ${r.reported} | ${r.complete} | ${r.withGaps} | ${r.kernelDrops} | ${r.tiPeakMiB} / ${r.enginePeakMiB ?? '–'} | ${r.tiCpuPct} / ${r.engineCpuPct ?? '–'} | ${r.load} |`);
}
}
