#!/usr/bin/env node
/**
 * What pcap-parser costs: the same classic pcap file read (1) through the capture stage's
 * openCaptureFile (pcap-parser: per-packet header objects, events and Buffer slices) and (2) by a
 * bare loop over the same 1 MiB read chunks handing out subarray views, alternately, in one
 * process. Prints each run; the difference of the medians is pcap-parser's share.
 *
 * Usage: node test/bench/pcap-parser-cost.mjs FILE.pcap [--runs N] [--dist DIR]
 * (little-endian microsecond pcap only, as written by make-big-capture.mjs)
 */
import { createReadStream, readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dist = resolve(opt('--dist') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../dist'));
const runs = Number(opt('--runs') ?? 5);
const file = args.find((a, i) => !a.startsWith('--') && !['--dist', '--runs'].includes(args[i - 1]));
if (!file) {
  process.stderr.write('usage: pcap-parser-cost.mjs FILE.pcap [--runs N] [--dist DIR]\n');
  process.exit(2);
}
if (readFileSync(file).readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian microsecond pcap`);
const { openCaptureFile } = await import(pathToFileURL(resolve(dist, 'capture/index.js')).href);

async function viaCaptureStage() {
  const source = await openCaptureFile(file);
  let n = 0;
  let bytes = 0;
  await source.run({ packet: (p) => ((n += 1), (bytes += p.data.length)), secrets() {}, warning() {} });
  return { n, bytes };
}

async function bareLoop() {
  let n = 0;
  let bytes = 0;
  let rest = null;
  let off = 24;
  const p = { tsSec: 0, tsNsec: 0, data: null };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    while (off + 16 <= buf.length) {
      const cap = buf.readUInt32LE(off + 8);
      if (off + 16 + cap > buf.length) break;
      p.tsSec = buf.readUInt32LE(off);
      p.tsNsec = buf.readUInt32LE(off + 4) * 1000;
      p.data = buf.subarray(off + 16, off + 16 + cap);
      n++;
      bytes += p.data.length;
      off += 16 + cap;
    }
    rest = off < buf.length ? buf.subarray(off) : null;
    off = 0;
  }
  return { n, bytes };
}

const times = { capture: [], bare: [] };
for (let i = 0; i < runs; i++) {
  for (const [name, f] of [['capture', viaCaptureStage], ['bare', bareLoop]]) {
    const t0 = process.hrtime.bigint();
    const r = await f();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    times[name].push(ms);
    process.stdout.write(`${name === 'capture' ? 'openCaptureFile (pcap-parser)' : 'bare loop          '}  ${ms.toFixed(0).padStart(6)} ms  ${r.n} packets ${r.bytes} bytes\n`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const c = median(times.capture);
const b = median(times.bare);
process.stdout.write(`median: capture stage ${c.toFixed(0)} ms, bare loop ${b.toFixed(0)} ms, pcap-parser and its wrapper cost ${(c - b).toFixed(0)} ms\n`);
