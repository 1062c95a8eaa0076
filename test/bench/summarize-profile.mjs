#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
 * most inclusive time (self + callees, each function counted once per stack), as % of samples.
 *
 * Usage: node test/bench/summarize-profile.mjs FILE.cpuprofile [--top N] [--filter TEXT]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const topN = Number(args[args.indexOf('--top') + 1]) || 40;
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
if (!file) {
  process.stderr.write('usage: summarize-profile.mjs FILE.cpuprofile [--top N] [--filter TEXT]\n');
  process.exit(2);
}

process.stdout.on('error', () => process.exit(0));
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n) {
  const f = n.callFrame;
  const url = f.url ? relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '';
  return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}` : ''}`;
}

// time per sample: timeDeltas[i] belongs to samples[i]
const self = new Map();
const incl = new Map();
let total = 0;
const deltas = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = deltas[i + 1] ?? deltas[i] ?? 0;
  total += dt;
  let id = prof.samples[i];
  const leaf = label(byId.get(id));
  self.set(leaf, (self.get(leaf) ?? 0) + dt);
  const seen = new Set();
  while (id !== undefined) {
    const l = label(byId.get(id));
    if (!seen.has(l)) {
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + dt);
    }
    id = parent.get(id);
  }
}

function print(title, m) {
  process.stdout.write(`\n${title} (total ${(total / 1e6).toFixed(2)} s)\n`);
  const rows = [...m.entries()].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, topN);
  for (const [k, v] of rows) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(6)}%  ${(v / 1e6).toFixed(2).padStart(7)} s  ${k}\n`);
}
// self time charged to the nearest project frame up the stack (dist/<stage>/...), so time spent in
// libraries and node internals counts for the stage that called them
const byStage = new Map();
function stageOf(id) {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur).callFrame.url;
    const m = /\/dist\/(tls\/x509|[^/]+)\//.exec(url) ?? /\/test\/bench\/([^/]+)$/.exec(url);
    if (m) return m[1];
  }
  return '(outside project code)';
}
for (let i = 0; i < prof.samples.length; i++) {
  const dt = deltas[i + 1] ?? deltas[i] ?? 0;
  const l = label(byId.get(prof.samples[i]));
  const k = l.startsWith('(garbage collector)') ? '(garbage collector)' : stageOf(prof.samples[i]);
  byStage.set(k, (byStage.get(k) ?? 0) + dt);
}
print('self time by stage (library and node internals charged to their caller)', byStage);
print('self time', self);
print('inclusive time', incl);
