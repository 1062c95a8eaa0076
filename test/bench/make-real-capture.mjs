#!/usr/bin/env node
/**
 * Real mTLS traffic for the benchmark (issue 14): Node TLS servers and clients on loopback, captured
 * by tcpdump on `lo`, with the key log beside (every TLS session's lines from Node's `keylog` events).
 * Needs root (tcpdump on lo). Ports 47000–47099 only (47000–47003 are used).
 *
 *   node test/bench/make-real-capture.mjs [--connections 24000] [--out bench-out/real.pcap] [--concurrency 32]
 *
 * Servers (a child process, so handshakes of both sides run on two cores), PKI from captures/pki/:
 *   47000 TLS 1.3 only, requestCert + rejectUnauthorized, CA = Test CA
 *   47001 TLS 1.2 only, the same
 * Clients, in turn: TLS 1.3 / 1.2 × { client.pem (Test CA: ok), evil-client.pem (Evil CA: the
 * server rejects the chain — unknown_ca / bad certificate), no certificate (the server rejects:
 * certificate_required / handshake_failure) }. An ok client writes one request and the server an
 * answer (a few records of application data) before both close. Writes OUT, OUT's .keys and OUT.json
 * (counts by kind, the same shape as make-big-capture's sidecar so run-bench can use it).
 */
import { spawn, fork } from 'node:child_process';
import { readFileSync, writeFileSync, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import tls from 'node:tls';
import { REPO } from './make-big-capture.mjs';

const PKI = join(REPO, 'captures/pki');
const pem = (n) => readFileSync(join(PKI, n));
const PORTS = { 'TLSv1.3': 47000, 'TLSv1.2': 47001 };
const BODY = Buffer.alloc(3000, 0x61);

function serve() {
  const keylog = [];
  for (const [version, port] of Object.entries(PORTS)) {
    const s = tls.createServer(
      { key: pem('server.key'), cert: pem('server.pem'), ca: pem('test-ca.pem'), requestCert: true, rejectUnauthorized: true, minVersion: version, maxVersion: version },
      (sock) => {
        sock.on('error', () => {});
        sock.once('data', () => sock.end(BODY));
      },
    );
    s.on('keylog', (line) => keylog.push(line));
    s.on('tlsClientError', () => {});
    s.listen(port, '127.0.0.1', () => process.send?.({ listening: port }));
  }
  process.on('message', (m) => {
    if (m === 'stop') {
      process.send({ keylog: Buffer.concat(keylog).toString('latin1') });
      setTimeout(() => process.exit(0), 200);
    }
  });
}

function parseArgs(argv) {
  const o = { connections: 24000, out: join(REPO, 'bench-out/real.pcap'), concurrency: 32 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--connections') o.connections = Number(v());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--concurrency') o.concurrency = Number(v());
    else if (a === '--serve') o.serve = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(Number.isInteger(o.connections) && o.connections > 0)) throw new Error('--connections must be a positive integer');
  return o;
}

const KINDS = [];
for (const version of ['TLSv1.3', 'TLSv1.2']) {
  KINDS.push({ name: `${version}-ok`, version, key: 'client.key', cert: 'client.pem' });
  KINDS.push({ name: `${version}-wrong-ca`, version, key: 'evil-client.key', cert: 'evil-client.pem' });
  KINDS.push({ name: `${version}-no-cert`, version });
}

function connectOnce(kind, opts, keylog) {
  return new Promise((done) => {
    const sock = tls.connect({ host: '127.0.0.1', port: PORTS[kind.version], servername: 'localhost', minVersion: kind.version, maxVersion: kind.version, ...opts });
    sock.on('keylog', (line) => keylog.push(line));
    let result = 'error';
    sock.on('secureConnect', () => sock.write('GET / HTTP/1.0\r\n\r\n'));
    sock.on('data', () => (result = 'ok'));
    sock.on('error', () => {});
    sock.on('close', () => done(result));
    sock.setTimeout(10_000, () => sock.destroy());
  });
}

async function main(o) {
  mkdirSync(dirname(o.out), { recursive: true });
  const server = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const listening = new Set();
  await new Promise((ok) => server.on('message', (m) => m.listening && listening.add(m.listening) && listening.size === 2 && ok()));
  const filter = Object.values(PORTS).map((p) => `tcp port ${p}`).join(' or ');
  const dump = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-B', '65536', '-s', '0', '-w', o.out, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let dumpErr = '';
  dump.stderr.on('data', (d) => (dumpErr += d));
  await new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`tcpdump did not start: ${dumpErr}`)), 10_000);
    dump.stderr.on('data', () => /listening on/.test(dumpErr) && (clearTimeout(t), ok()));
    dump.on('exit', (c) => fail(new Error(`tcpdump exited (${c}): ${dumpErr.trim()} (root needed)`)));
  });
  const ca = pem('test-ca.pem');
  const optsOf = KINDS.map((k) => ({ ca, ...(k.cert ? { key: pem(k.key), cert: pem(k.cert) } : {}) }));
  const keylog = [];
  const counts = Object.fromEntries(KINDS.map((k) => [k.name, { ok: 0, failed: 0 }]));
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= o.connections) return;
      const k = i % KINDS.length;
      const r = await connectOnce(KINDS[k], optsOf[k], keylog);
      counts[KINDS[k].name][r === 'ok' ? 'ok' : 'failed']++;
      if (i % 2000 === 0) process.stderr.write(`  ${i} connections, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  await new Promise((ok) => setTimeout(ok, 1000)); // let the last packets reach tcpdump
  const serverKeylog = await new Promise((ok) => {
    server.on('message', (m) => m.keylog !== undefined && ok(m.keylog));
    server.send('stop');
  });
  dump.kill('SIGINT');
  await new Promise((ok) => dump.on('exit', ok));
  const keysPath = o.out.replace(/\.(pcap|pcapng)$/, '') + '.keys';
  // client and server log the same secrets for a connection; one copy of each line
  const lines = new Set(`${Buffer.concat(keylog).toString('latin1')}${serverKeylog}`.split('\n').filter(Boolean));
  const ks = createWriteStream(keysPath);
  for (const l of lines) ks.write(`${l}\n`);
  await new Promise((ok) => ks.end(ok));
  const packets = /(\d+) packets? captured/.exec(dumpErr)?.[1];
  const dropped = /(\d+) packets? dropped by kernel/.exec(dumpErr)?.[1];
  const info = {
    out: o.out, keysPath, format: 'pcap', packets: packets ? Number(packets) : undefined, connections: o.connections,
    bytes: statSync(o.out).size, droppedByKernel: dropped ? Number(dropped) : undefined, byKind: counts,
    durationSec: (Date.now() - t0) / 1000, options: { real: true, connections: o.connections },
  };
  writeFileSync(`${o.out}.json`, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

export async function makeRealCapture(options) {
  return main({ connections: 24000, out: join(REPO, 'bench-out/real.pcap'), concurrency: 32, ...options });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    const o = parseArgs(process.argv.slice(2));
    if (o.serve) serve();
    else {
      const info = await main(o);
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    }
  } catch (e) {
    process.stderr.write(`make-real-capture: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
