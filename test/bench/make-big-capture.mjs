#!/usr/bin/env node
/**
 * Deterministic big-capture generator for the benchmark (no root, no network).
 *
 * Replays the six committed mTLS sample handshakes (TLS 1.3 / 1.2 x ok / wrong CA / no client
 * certificate, OpenSSL on loopback) as many connections: each copy gets its own client address and
 * port, server address (port 443, so tshark and ssldump dissect it as TLS without hints), random
 * initial sequence numbers on both sides, a time stretch (as if over a longer RTT) and a start time
 * from a Poisson arrival process, and the copies are interleaved in time order (dozens in flight at
 * once). IPv4 header checksums and TCP checksums are recomputed.
 *
 * The TLS bytes are not touched, so every copy of one template repeats its ClientHello random:
 * rewriting the random would break decryption (the key log lines are bound to it, and it enters
 * the TLS 1.2 key derivation). The combined key log therefore holds one set of lines per template,
 * and it decrypts every copy.
 *
 * Usage: node test/bench/make-big-capture.mjs [--out FILE] [--packets N | --connections N |
 *   --size 100MB] [--format pcap|pcapng] [--dsb] [--rate CONN_PER_S] [--seed N]
 * Writes FILE, its key log (same name, extension .keys) and FILE.json (what was generated).
 * Same options -> same bytes.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTemplate } from './pcap-templates.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');
export const TEMPLATE_NAMES = [
  'tls13-mtls-ok',
  'tls13-wrong-ca',
  'tls13-no-cert',
  'tls12-mtls-ok',
  'tls12-wrong-ca',
  'tls12-no-cert',
];
const OUT_CHUNK = 8 << 20;
const SNAPLEN = 262_144;

/** mulberry32: small, fast, deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "100MB", "1GiB", "1G", "500k", "12345" -> bytes (K/M/G are binary multiples). */
export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?$/i.exec(String(s).trim());
  if (!m) throw new Error(`bad size "${s}" (e.g. 100MB, 1GB)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * mult);
}

/** One's-complement sum of buf[start, end) as 16-bit big-endian words, not folded. */
function sum16(buf, start, end, acc) {
  let i = start;
  for (; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

function fold(acc) {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return ~acc & 0xffff;
}

/** Binary min-heap of in-flight connections ordered by their next packet's time. */
class ConnHeap {
  constructor() {
    this.a = [];
  }
  get size() {
    return this.a.length;
  }
  peek() {
    return this.a[0];
  }
  push(c) {
    const a = this.a;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Time order; ties by connection number, so the output is deterministic. */
function before(x, y) {
  return x.nextNs < y.nextNs || (x.nextNs === y.nextNs && x.id < y.id);
}

/** Buffered writer of pcap or pcapng records. */
class CaptureWriter {
  constructor(path, format) {
    this.fd = openSync(path, 'w');
    this.format = format;
    this.buf = Buffer.allocUnsafe(OUT_CHUNK);
    this.pos = 0;
    this.bytes = 0;
  }

  /** Room for `n` more bytes; returns the write offset. */
  reserve(n) {
    if (this.pos + n > this.buf.length) this.drain();
    const at = this.pos;
    this.pos += n;
    this.bytes += n;
    return at;
  }

  drain() {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  close() {
    this.drain();
    closeSync(this.fd);
  }

  header(dsbText) {
    if (this.format === 'pcap') {
      const o = this.reserve(24);
      const b = this.buf;
      b.writeUInt32LE(0xa1b2c3d4, o);
      b.writeUInt16LE(2, o + 4);
      b.writeUInt16LE(4, o + 6);
      b.writeInt32LE(0, o + 8);
      b.writeUInt32LE(0, o + 12);
      b.writeUInt32LE(SNAPLEN, o + 16);
      b.writeUInt32LE(1, o + 20);
      return;
    }
    // Section Header Block (no options, section length unknown)
    let o = this.reserve(28);
    let b = this.buf;
    b.writeUInt32LE(0x0a0d0d0a, o);
    b.writeUInt32LE(28, o + 4);
    b.writeUInt32LE(0x1a2b3c4d, o + 8);
    b.writeUInt16LE(1, o + 12);
    b.writeUInt16LE(0, o + 14);
    b.writeInt32LE(-1, o + 16);
    b.writeInt32LE(-1, o + 20);
    b.writeUInt32LE(28, o + 24);
    // Interface Description Block: Ethernet, default microsecond resolution
    o = this.reserve(20);
    b = this.buf;
    b.writeUInt32LE(1, o);
    b.writeUInt32LE(20, o + 4);
    b.writeUInt16LE(1, o + 8);
    b.writeUInt16LE(0, o + 10);
    b.writeUInt32LE(SNAPLEN, o + 12);
    b.writeUInt32LE(20, o + 16);
    if (dsbText !== undefined) {
      // Decryption Secrets Block, TLS key log ("TLSK")
      const data = Buffer.from(dsbText, 'latin1');
      const padded = (data.length + 3) & ~3;
      const len = 20 + padded;
      o = this.reserve(len);
      b = this.buf;
      b.fill(0, o, o + len);
      b.writeUInt32LE(0x0000000a, o);
      b.writeUInt32LE(len, o + 4);
      b.writeUInt32LE(0x544c534b, o + 8);
      b.writeUInt32LE(data.length, o + 12);
      data.copy(b, o + 16);
      b.writeUInt32LE(len, o + len - 4);
    }
  }

  /** Writes the record framing around `caplen` bytes; returns the offset of the packet bytes. */
  record(tsNs, caplen) {
    const sec = Math.floor(tsNs / 1e9);
    const usec = Math.floor((tsNs - sec * 1e9) / 1000);
    if (this.format === 'pcap') {
      const o = this.reserve(16 + caplen);
      const b = this.buf;
      b.writeUInt32LE(sec, o);
      b.writeUInt32LE(usec, o + 4);
      b.writeUInt32LE(caplen, o + 8);
      b.writeUInt32LE(caplen, o + 12);
      return o + 16;
    }
    const padded = (caplen + 3) & ~3;
    const len = 32 + padded;
    const o = this.reserve(len);
    const b = this.buf;
    const ts = BigInt(sec) * 1_000_000n + BigInt(usec);
    b.writeUInt32LE(6, o);
    b.writeUInt32LE(len, o + 4);
    b.writeUInt32LE(0, o + 8);
    b.writeUInt32LE(Number(ts >> 32n), o + 12);
    b.writeUInt32LE(Number(ts & 0xffffffffn), o + 16);
    b.writeUInt32LE(caplen, o + 20);
    b.writeUInt32LE(caplen, o + 24);
    b.fill(0, o + 28 + caplen, o + 28 + padded);
    b.writeUInt32LE(len, o + len - 4);
    return o + 28;
  }
}

/** Rewrites one copied frame in place: addresses, ports, sequence numbers, checksums. */
function rewrite(b, at, p, c) {
  const ip = at + p.ip;
  const tcp = at + p.tcp;
  const fromClient = p.dir === 0;
  b.writeUInt32BE(fromClient ? c.clientIp : c.serverIp, ip + 12);
  b.writeUInt32BE(fromClient ? c.serverIp : c.clientIp, ip + 16);
  b.writeUInt16BE(fromClient ? c.clientPort : 443, tcp);
  b.writeUInt16BE(fromClient ? 443 : c.clientPort, tcp + 2);
  const mySeq = fromClient ? c.clientIsn : c.serverIsn;
  const peerSeq = fromClient ? c.serverIsn : c.clientIsn;
  b.writeUInt32BE((b.readUInt32BE(tcp + 4) + mySeq) >>> 0, tcp + 4);
  if (p.ackFlag) b.writeUInt32BE((b.readUInt32BE(tcp + 8) + peerSeq) >>> 0, tcp + 8);
  const ihl = p.tcp - p.ip;
  b.writeUInt16BE(0, ip + 10);
  b.writeUInt16BE(fold(sum16(b, ip, ip + ihl, 0)), ip + 10);
  const totalLen = b.readUInt16BE(ip + 2);
  const tcpLen = totalLen - ihl;
  const end = Math.min(tcp + tcpLen, at + p.data.length);
  b.writeUInt16BE(0, tcp + 16);
  let acc = sum16(b, ip + 12, ip + 20, 0) + 6 + tcpLen;
  acc = sum16(b, tcp, end, acc);
  b.writeUInt16BE(fold(acc), tcp + 16);
}

/**
 * Generates the capture and its key log. Returns a summary.
 * opts: { out, packets?, connections?, size?, format?, dsb?, rate?, seed?, captures? }
 */
export function generate(opts) {
  const format = opts.format ?? 'pcap';
  const captures = opts.captures ?? join(REPO, 'captures');
  const templates = TEMPLATE_NAMES.map((n) => readTemplate(join(captures, `${n}.pcap`), n));
  const keyText = TEMPLATE_NAMES.map((n) => readFileSync(join(captures, `${n}.keys`), 'latin1')).join('');
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  const keysPath = out.replace(/\.(pcap|pcapng)$/, '') + '.keys';
  writeFileSync(keysPath, keyText);

  const rand = prng(opts.seed ?? 9);
  const rate = opts.rate ?? 500;
  const meanGapNs = 1e9 / rate;
  // every copy keeps the templates' wall-clock date, so certificate validity checks are unchanged
  const baseSec = Math.min(...templates.map((t) => t.startSec));
  const limit =
    opts.connections !== undefined
      ? { kind: 'connections', n: opts.connections }
      : opts.size !== undefined
        ? { kind: 'size', n: opts.size }
        : { kind: 'packets', n: opts.packets ?? 300_000 };
  const w = new CaptureWriter(out, format);
  w.header(opts.dsb ? keyText : undefined);
  // pcap: 16-byte record header; pcapng: 32-byte EPB framing, data padded to 4 bytes
  const recordSize = format === 'pcap' ? (n) => 16 + n : (n) => 32 + ((n + 3) & ~3);
  const heap = new ConnHeap();
  let started = 0;
  let plannedPackets = 0;
  let plannedBytes = w.bytes;
  let arrivalNs = 0;
  let packets = 0;
  let maxInFlight = 0;
  const byTemplate = Object.fromEntries(TEMPLATE_NAMES.map((n) => [n, 0]));
  const wantMore = () =>
    limit.kind === 'connections' ? started < limit.n : limit.kind === 'packets' ? plannedPackets < limit.n : plannedBytes < limit.n;

  let more = wantMore();
  while (more || heap.size > 0) {
    if (more && (heap.size === 0 || arrivalNs <= heap.peek().nextNs)) {
      const t = templates[Math.floor(rand() * templates.length)];
      const i = started++;
      const clientIdx = i % 5000;
      const c = {
        id: i,
        t,
        k: 0,
        startNs: arrivalNs,
        // a 1x..20x time stretch: loopback handshakes (~8 ms) as if over longer round trips
        stretch: 1 + Math.floor(rand() * 20),
        clientIp: ((10 << 24) | (1 << 16) | clientIdx) >>> 0,
        clientPort: 1024 + ((Math.floor(i / 5000) * 7 + clientIdx) % 64000),
        serverIp: ((192 << 24) | (0 << 16) | (2 << 8) | (1 + Math.floor(rand() * 8))) >>> 0,
        clientIsn: Math.floor(rand() * 4294967296),
        serverIsn: Math.floor(rand() * 4294967296),
        nextNs: arrivalNs,
      };
      byTemplate[t.name]++;
      plannedPackets += t.packets.length;
      for (const p of t.packets) plannedBytes += recordSize(p.data.length);
      heap.push(c);
      if (heap.size > maxInFlight) maxInFlight = heap.size;
      // exponential inter-arrival times, rounded to whole microseconds (pcap resolution)
      arrivalNs += Math.max(1000, Math.round((-Math.log(1 - rand()) * meanGapNs) / 1000) * 1000);
      more = wantMore();
      continue;
    }
    const c = heap.pop();
    const p = c.t.packets[c.k];
    const caplen = p.data.length;
    const at = w.record(baseSec * 1e9 + c.nextNs, caplen);
    p.data.copy(w.buf, at);
    rewrite(w.buf, at, p, c);
    packets++;
    c.k++;
    if (c.k < c.t.packets.length) {
      const q = c.t.packets[c.k];
      c.nextNs = c.startNs + Math.round((q.relNs * c.stretch) / 1000) * 1000;
      heap.push(c);
    }
  }
  w.close();
  const summary = {
    out, keysPath, format, packets, connections: started, bytes: w.bytes, maxInFlight, byTemplate,
    durationSec: arrivalNs / 1e9,
    options: { packets: opts.packets, connections: opts.connections, size: opts.size, dsb: opts.dsb === true, rate, seed: opts.seed ?? 9 },
  };
  // what was generated, so a runner can tell whether an existing file matches its options
  writeFileSync(`${out}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function parseArgs(argv) {
  const o = { out: join(REPO, 'bench-out', 'big.pcap') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') o.out = v();
    else if (a === '--packets') o.packets = Number(v());
    else if (a === '--connections') o.connections = Number(v());
    else if (a === '--size') o.size = parseSize(v());
    else if (a === '--format') o.format = v();
    else if (a === '--dsb') o.dsb = true;
    else if (a === '--rate') o.rate = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--captures') o.captures = v();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.format !== undefined && o.format !== 'pcap' && o.format !== 'pcapng') throw new Error('--format is pcap or pcapng');
  for (const k of ['packets', 'connections', 'rate', 'seed']) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && o[k] >= 0)) throw new Error(`--${k} must be a non-negative integer`);
  }
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const t0 = process.hrtime.bigint();
    const r = generate(parseArgs(process.argv.slice(2)));
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(
      `${r.out}: ${r.format}, ${r.packets} packets, ${r.connections} connections, ${(r.bytes / 1048576).toFixed(1)} MiB, ` +
        `${r.durationSec.toFixed(1)} s of traffic, up to ${r.maxInFlight} connections in flight (${s.toFixed(1)} s)\n` +
        `  per template: ${Object.entries(r.byTemplate).map(([k, n]) => `${k} ${n}`).join(', ')}\n` +
        `  key log: ${r.keysPath}\n`,
    );
  } catch (e) {
    process.stderr.write(`make-big-capture: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
