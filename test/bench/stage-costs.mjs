#!/usr/bin/env node
/**
 * Where the time goes, stage by stage: the same capture read again and again in one process, each
 * level adding one stage of the pipeline (from the compiled dist/):
 *   capture   openCaptureFile, packets counted
 *   net       + decodeFrame into one reused segment
 *   tcp       + TcpReassembler with consumers that drop everything
 *   tls       + TlsStage (records, handshake messages, decryption with --keylog) and an observer
 *               that drops finished connections
 *   analysis  + ConnectionAnalyzer (ConnectionModel per connection, dropped)
 *   jsonl     + JSON.stringify(model) per connection (not written)
 * Each level runs `--runs` times (default 3) and the median is printed with the difference to the
 * level before: that difference is the stage's cost. Levels run in one process, after a warm-up.
 *
 * With --level L only that level runs, once, without warm-up, and the peak RSS of the process is
 * printed too (what each stage adds to memory: run it once per level).
 *
 * Usage: node test/bench/stage-costs.mjs FILE [--keylog KEYS] [--runs N] [--dist DIR] [--level L]
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dist = resolve(opt('--dist') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../dist'));
const runs = Number(opt('--runs') ?? 3);
const keylog = opt('--keylog');
const only = opt('--level');
const file = args.find((a, i) => !a.startsWith('--') && !['--dist', '--runs', '--keylog', '--level'].includes(args[i - 1]));
if (!file) {
  process.stderr.write('usage: stage-costs.mjs FILE [--keylog KEYS] [--runs N] [--dist DIR]\n');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { openCaptureFile } = await load('capture/index.js');
const { decodeFrame, newTcpSegment } = await load('net/index.js');
const { TcpReassembler } = await load('tcp/index.js');
const { TlsStage } = await load('tls/tls-stage.js');
const { KeyMaterial } = await load('tls/keys.js');
const { ConnectionAnalyzer } = await load('analysis/analyzer.js');

const LEVELS = ['capture', 'net', 'tcp', 'tls', 'analysis', 'jsonl'];
const dropConsumer = { data() {}, gap() {}, end() {}, complete() {} };

async function runLevel(level) {
  const depth = LEVELS.indexOf(level);
  const seg = newTcpSegment();
  let out = 0;
  let factory = () => dropConsumer;
  let tls = null;
  if (depth >= 3) {
    let observer = { complete() {} };
    if (depth >= 4) {
      const onConnection = depth >= 5 ? (c) => (out += JSON.stringify(c).length) : () => (out += 1);
      observer = new ConnectionAnalyzer({}, onConnection);
    }
    const opts = {};
    if (keylog) {
      const keys = new KeyMaterial();
      keys.addFile(keylog);
      opts.keys = keys.provider();
    }
    tls = new TlsStage(observer, opts);
    factory = tls.factory;
  }
  const reassembler = depth >= 2 ? new TcpReassembler(factory) : null;
  let packets = 0;
  const source = await openCaptureFile(file);
  const t0 = process.hrtime.bigint();
  await source.run({
    packet(p) {
      packets++;
      if (depth < 1) return;
      const status = decodeFrame(p, seg);
      if (reassembler && status === 'tcp') reassembler.push(p, seg);
    },
    secrets() {},
    warning() {},
  });
  reassembler?.flush();
  tls?.flush();
  return { sec: Number(process.hrtime.bigint() - t0) / 1e9, packets, out };
}

if (only !== undefined) {
  if (!LEVELS.includes(only)) throw new Error(`--level: one of ${LEVELS.join(', ')}`);
  const x = await runLevel(only);
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${only}: ${x.sec.toFixed(3)} s, ${x.packets} packets, peak RSS ${rss.toFixed(0)} MiB\n`);
  process.exit(0);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await runLevel('jsonl'); // warm-up: compile everything once
let prev = 0;
process.stdout.write(`${file}${keylog ? ` --keylog ${keylog}` : ''}: median of ${runs} runs per level\n\n`);
process.stdout.write('| level | wall s | stage cost s | packets/s |\n|---|---:|---:|---:|\n');
for (const level of LEVELS) {
  const r = [];
  let packets = 0;
  for (let i = 0; i < runs; i++) {
    const x = await runLevel(level);
    r.push(x.sec);
    packets = x.packets;
  }
  const m = median(r);
  process.stdout.write(`| ${level} | ${m.toFixed(3)} | ${(m - prev).toFixed(3)} | ${Math.round(packets / m).toLocaleString('en')} |\n`);
  prev = m;
}
