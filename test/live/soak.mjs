#!/usr/bin/env node
/**
 * Soak test for `tls-inspect live` (not run in CI; needs root and the cap binding).
 *
 * One node process runs an mTLS server (node:tls, requestCert + rejectUnauthorized, TLS 1.3,
 * captures/pki) and a paced loop of clients on 127.0.0.1, while `tls-inspect live -i lo -f 'tcp
 * port P' --format jsonl` runs as a child. Every minute it prints tls-inspect's RSS (VmRSS/VmHWM
 * from /proc/PID/status), the handshakes made in that minute, and the connections reported so far
 * vs the TCP connections made. At the end it stops the clients, waits (bounded) for the last
 * reports, stops tls-inspect with SIGINT, and exits 1 if any connection was not reported.
 * tls-inspect's jsonl is kept in --out (live.jsonl) for a closer look.
 *
 * Usage: node test/live/soak.mjs [--minutes 10] [--rate 3000] [--concurrency 8]
 *          [--bad-every 20] [--keylog] [--heap-snapshots] [--out DIR] [--bin bin/tls-inspect]
 *   --rate          target handshakes per minute (0 = as fast as possible)
 *   --bad-every N   every Nth connection uses the Evil CA certificate, every Nth (offset N/2)
 *                   none (0 = only good clients)
 *   --port P        server port (default: any free port; give one when others capture on lo too)
 *   --engine E      tls-inspect --capture-engine E (auto, cap, dumpcap, tcpdump; default: its default)
 *   --keylog        clients log their secrets (node 'keylog' event) to a file given to --keylog
 *   --heap-snapshots  run tls-inspect with --heapsnapshot-signal=SIGUSR2 and write a snapshot
 *                   after minute 1 and at the end (into --out)
 *   --node-arg ARG  extra node option for tls-inspect (repeatable), e.g. --cpu-prof
 *   --tcpdump       also record the port with tcpdump (-B 32768, like tls-inspect's 32 MiB ring)
 *                   and compare per-connection packet counts with tls-inspect's (capture drops)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

const REPO = join(import.meta.dirname, '..', '..');
const PKI = (n) => readFileSync(join(REPO, 'captures', 'pki', n));

function parseArgs(argv) {
  const o = { port: 0, engine: '', minutes: 10, rate: 3000, concurrency: 8, badEvery: 20, keylog: false, heapSnapshots: false, tcpdump: false, nodeArgs: [], out: '', bin: join(REPO, 'bin', 'tls-inspect') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--minutes') o.minutes = Number(next());
    else if (a === '--rate') o.rate = Number(next());
    else if (a === '--concurrency') o.concurrency = Number(next());
    else if (a === '--bad-every') o.badEvery = Number(next());
    else if (a === '--keylog') o.keylog = true;
    else if (a === '--engine') o.engine = next();
    else if (a === '--port') o.port = Number(next());
    else if (a === '--heap-snapshots') o.heapSnapshots = true;
    else if (a === '--tcpdump') o.tcpdump = true;
    else if (a === '--node-arg') o.nodeArgs.push(next());
    else if (a === '--out') o.out = next();
    else if (a === '--bin') o.bin = next();
    else throw new Error(`unknown option ${a} (see the header of soak.mjs)`);
  }
  if (!(o.minutes > 0) || !(o.rate >= 0) || !(o.concurrency >= 1) || !(o.badEvery >= 0)) throw new Error('bad option value');
  return o;
}

/** tls-inspect (and tcpdump), killed if the soak itself fails or is interrupted. */
const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
process.on('SIGINT', () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, test, ms) {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

function procStatus(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: NaN, hwmMiB: NaN };
  }
}

/** The capture process tls-inspect started (dumpcap/tcpdump engines), or null. */
function enginePid(pid) {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length > 0 ? Number(kids[0]) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) used so far by a process, from /proc/PID/stat (USER_HZ 100). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function startServer(port) {
  const server = tls.createServer({
    key: PKI('server.key'), cert: PKI('server.pem'), ca: [PKI('test-ca.pem')],
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3',
  });
  server.on('secureConnection', (s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end('bye\n'));
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Client certificates by kind (good, Evil CA, none). */
const CLIENTS = {
  good: { cert: PKI('client.pem'), key: PKI('client.key') },
  evil: { cert: PKI('evil-client.pem'), key: PKI('evil-client.key') },
  none: {},
};

const stats = { started: 0, closed: 0, secure: 0, errors: 0, byKind: { good: 0, evil: 0, none: 0 } };

function oneConnection(port, kind, keylogStream) {
  return new Promise((resolve) => {
    stats.started++;
    stats.byKind[kind]++;
    const s = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', ca: [PKI('test-ca.pem')], minVersion: 'TLSv1.3',
      ...CLIENTS[kind],
    });
    if (keylogStream) s.on('keylog', (line) => keylogStream.write(line));
    s.setTimeout(15_000, () => s.destroy());
    s.on('secureConnect', () => {
      stats.secure++;
      s.write('hello\n');
    });
    s.on('data', () => s.end());
    s.on('error', () => stats.errors++);
    s.on('close', () => {
      stats.closed++;
      resolve();
    });
  });
}

/** tcpdump on the same port, for an independent packet count. */
async function startTcpdump(out, port) {
  const path = join(out, 'tcpdump.pcap');
  const td = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-B', '32768', '-s', '0', '-w', path, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(td);
  let err = '';
  td.stderr.setEncoding('utf8').on('data', (s) => (err += s));
  let done = false;
  td.on('exit', () => (done = true));
  await waitFor('tcpdump "listening on"', () => err.includes('listening on') || done, 10_000);
  return {
    path,
    stderr: () => err,
    stop: async () => {
      td.kill('SIGINT');
      await waitFor('tcpdump to exit', () => done, 15_000);
    },
  };
}

/** Per-connection packet counts: tls-inspect live vs `tls-inspect file` on tcpdump's pcap
 * (matched by client port: fine while the run does not wrap the ephemeral port range). */
function compareWithTcpdump(bin, out, dump) {
  console.log(`tcpdump: ${dump.stderr().split('\n').filter((l) => /captured|dropped|received/.test(l)).join('; ')}`);
  const r = spawnSync(process.execPath, [bin, 'file', dump.path, '--format', 'jsonl', '--details'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000 });
  if (r.status !== 0) {
    console.log(`tcpdump comparison failed: ${r.stderr}`);
    return;
  }
  const pk = (c) => c.tcp.packets.clientToServer + c.tcp.packets.serverToClient;
  const random = (c) => c.events.find((e) => e.type === 'ClientHello')?.details?.random;
  const dumped = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.record === 'connection');
  const byRandom = new Map(dumped.map((c) => [random(c), c]));
  const live = readFileSync(join(out, 'live.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.record === 'connection');
  let matched = 0;
  let short = 0;
  let lost = 0;
  for (const c of live) {
    const d = byRandom.get(random(c));
    if (random(c) === undefined || !d) continue;
    matched++;
    if (pk(c) < pk(d)) {
      short++;
      lost += pk(d) - pk(c);
    }
  }
  const sum = (l) => l.reduce((n, c) => n + pk(c), 0);
  console.log(`tcpdump: ${dumped.length} connections, ${sum(dumped)} packets in them; tls-inspect: ${live.length} connections, ${sum(live)} packets; ${matched} matched by ClientHello random, ${short} of them with fewer packets in tls-inspect (${lost} packets)`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const out = o.out || mkdtempSync(join(tmpdir(), 'tli-soak-'));
  mkdirSync(out, { recursive: true });
  const server = await startServer(o.port);
  const port = server.address().port;
  const keylogPath = join(out, 'soak.keys');
  const keylogStream = o.keylog ? createWriteStream(keylogPath) : null;
  const nodeArgs = [...o.nodeArgs, ...(o.heapSnapshots ? ['--heapsnapshot-signal=SIGUSR2'] : [])];
  const args = [...nodeArgs, o.bin, 'live', '-i', 'lo', '-f', `tcp port ${port}`, '--format', 'jsonl', '--details', ...(o.engine ? ['--capture-engine', o.engine] : []), ...(o.keylog ? ['--keylog', keylogPath] : [])];
  const ti = spawn(process.execPath, args, { cwd: out, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SSLKEYLOGFILE: '' } });
  children.push(ti);
  let stderr = '';
  let partial = '';
  const reported = { total: 0, verdicts: {}, withGaps: 0, withWarnings: 0, notDecrypted: 0, noSyn: 0 };
  ti.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
  const jsonl = createWriteStream(join(out, 'live.jsonl'));
  ti.stdout.setEncoding('utf8').on('data', (s) => {
    jsonl.write(s);
    const lines = (partial + s).split('\n');
    partial = lines.pop();
    for (const l of lines) {
      if (l === '') continue;
      const c = JSON.parse(l);
      reported.total++;
      reported.verdicts[c.verdict] = (reported.verdicts[c.verdict] ?? 0) + 1;
      const g = c.tcp?.gaps;
      if (g && g.clientToServer + g.serverToClient > 0) reported.withGaps++;
      if (c.warnings?.length > 0) reported.withWarnings++;
      if (o.keylog && !c.decrypted) reported.notDecrypted++;
      if (!c.tcp?.synSeen) reported.noSyn++;
    }
  });
  let exited = null;
  ti.on('exit', (code, signal) => (exited = { code, signal }));
  ti.on('error', (err) => {
    stderr += `cannot start tls-inspect: ${err.message}\n`;
    exited ??= { code: null, signal: null };
  });
  await waitFor('tls-inspect "capturing on"', () => stderr.includes('capturing on') || exited !== null, 20_000);
  if (exited) throw new Error(`tls-inspect exited early: ${JSON.stringify(exited)}\n${stderr}`);
  const dump = o.tcpdump ? await startTcpdump(out, port) : null;

  console.log(`soak: engine ${o.engine || 'default'}, ${o.minutes} min, target ${o.rate || 'max'} handshakes/min, ${o.concurrency} clients, port ${port}, tls-inspect pid ${ti.pid}, out ${out}`);
  console.log(`start: RSS ${procStatus(ti.pid).rssMiB.toFixed(1)} MiB`);
  const t0 = Date.now();
  const end = t0 + o.minutes * 60_000;
  let stopping = false;
  let n = 0;
  const worker = async () => {
    while (!stopping && Date.now() < end) {
      const i = n++;
      if (o.rate > 0) {
        const due = t0 + (i * 60_000) / o.rate;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const half = Math.floor(o.badEvery / 2);
      const kind = o.badEvery > 0 && i % o.badEvery === 0 ? 'evil' : o.badEvery > 1 && i % o.badEvery === half ? 'none' : 'good';
      await oneConnection(port, kind, keylogStream);
    }
  };
  const workers = Array.from({ length: o.concurrency }, worker);

  const rows = [];
  let minute = 0;
  let lastClosed = 0;
  let lastCpu = cpuSeconds(ti.pid);
  const ePid = enginePid(ti.pid);
  let lastECpu = ePid ? cpuSeconds(ePid) : NaN;
  let engineHwm = 0;
  const tick = setInterval(() => {
    minute++;
    const st = procStatus(ti.pid);
    const cpu = cpuSeconds(ti.pid);
    const row = { minute, handshakes: stats.closed - lastClosed, made: stats.closed, reported: reported.total, rssMiB: st.rssMiB, hwmMiB: st.hwmMiB, cpuPct: ((cpu - lastCpu) / 60) * 100 };
    lastClosed = stats.closed;
    lastCpu = cpu;
    if (ePid) {
      const es = procStatus(ePid);
      const ec = cpuSeconds(ePid);
      engineHwm = Math.max(engineHwm, es.hwmMiB || 0);
      console.log(`minute ${minute}: engine pid ${ePid} RSS ${es.rssMiB.toFixed(1)} MiB, HWM ${es.hwmMiB.toFixed(1)} MiB, CPU ${(((ec - lastECpu) / 60) * 100).toFixed(0)}%`);
      lastECpu = ec;
    }
    rows.push(row);
    console.log(`minute ${minute}: ${row.handshakes} handshakes this minute, made ${row.made}, reported ${row.reported} (${row.made - row.reported} not yet), RSS ${st.rssMiB.toFixed(1)} MiB, HWM ${st.hwmMiB.toFixed(1)} MiB, tls-inspect CPU ${row.cpuPct.toFixed(0)}%`);
    if (o.heapSnapshots && minute === 1) ti.kill('SIGUSR2');
  }, 60_000);

  await Promise.all(workers);
  stopping = true;
  clearInterval(tick);
  const elapsedMin = (Date.now() - t0) / 60_000;
  // finished connections are streamed about a second after their last packet (close linger)
  await waitFor('every connection reported', () => reported.total >= stats.closed, 20_000).catch((e) => console.log(`soak: ${e.message}`));
  const before = procStatus(ti.pid);
  const cpuTotal = cpuSeconds(ti.pid);
  const engineCpu = ePid ? cpuSeconds(ePid) : NaN;
  if (ePid) engineHwm = Math.max(engineHwm, procStatus(ePid).hwmMiB || 0);
  if (o.heapSnapshots) {
    ti.kill('SIGUSR2');
    await sleep(5000);
  }
  ti.kill('SIGINT');
  await waitFor('tls-inspect to exit after SIGINT', () => exited !== null, 30_000);
  if (dump) await dump.stop();
  server.close();
  keylogStream?.end();
  jsonl.end();

  const missing = stats.closed - reported.total;
  console.log(`end: ${stats.closed} TCP connections made in ${elapsedMin.toFixed(2)} min (${(stats.closed / elapsedMin).toFixed(0)}/min; good ${stats.byKind.good}, evil ${stats.byKind.evil}, none ${stats.byKind.none}; ${stats.secure} client handshakes completed, ${stats.errors} client errors)`);
  console.log(`end: tls-inspect reported ${reported.total} (${missing === 0 ? 'none missing' : `${missing} MISSING`}); verdicts ${JSON.stringify(reported.verdicts)}; with gaps ${reported.withGaps}, with warnings ${reported.withWarnings}, without SYN ${reported.noSyn}${o.keylog ? `, not decrypted ${reported.notDecrypted}` : ''}`);
  console.log(`end: RSS before stop ${before.rssMiB.toFixed(1)} MiB, HWM ${before.hwmMiB.toFixed(1)} MiB; tls-inspect CPU ${cpuTotal.toFixed(1)} s (${((cpuTotal / (elapsedMin * 60)) * 100).toFixed(0)}% of one core); exit ${JSON.stringify(exited)}`);
  if (ePid) console.log(`end: engine pid ${ePid}: HWM ${engineHwm.toFixed(1)} MiB, CPU ${engineCpu.toFixed(1)} s`);
  const capLine = stderr.split('\n').find((l) => l.includes('capture stopped ('));
  console.log(`end: ${capLine ?? 'tls-inspect printed no capture statistics'}`);
  const warn = stderr.split('\n').filter((l) => l && !l.includes('capturing on') && !l.includes('capture stopped ('));
  if (warn.length > 0) console.log(`tls-inspect stderr:\n${warn.slice(0, 20).join('\n')}`);
  if (dump) compareWithTcpdump(o.bin, out, dump);
  process.exitCode = missing === 0 && exited?.code === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(`soak: ${err.stack ?? err}`);
  process.exitCode = 2;
});
