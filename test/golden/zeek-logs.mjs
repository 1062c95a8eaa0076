#!/usr/bin/env node
// zeek-logs.mjs — golden Zeek logs of our own `--format zeek` for every committed capture (with its
// key log when there is one) and the Zeek corpus: test/golden/zeek-logs/<captures|zeek>/<name>.ssl.log
// and .x509.log, the #open / #close times masked as Zeek's btest does (XXXX-XX-XX-XX-XX-XX).
// Regression files: re-run (after `npx tsc -p tsconfig.json`) and review the diff whenever the
// Zeek writer, a capture or the analysis changes. test/report/zeek.test.ts compares.
//   usage: node test/golden/zeek-logs.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(fileURLToPath(import.meta.url), '..', '..', '..');
const dist = (p) => join(repo, 'dist', p);
const { openCaptureFile } = await import(dist('capture/index.js'));
const { Pipeline } = await import(dist('cli/pipeline.js'));
const { KeyMaterial } = await import(dist('tls/keys.js'));
const { renderZeekLogs } = await import(dist('report/zeek-writer.js'));

export const mask = (s) => s.replace(/^#(open|close)\t.*$/gm, '#$1\tXXXX-XX-XX-XX-XX-XX');

async function logs(path, keylog) {
  const keys = new KeyMaterial();
  if (keylog) keys.addFile(keylog);
  const conns = [];
  const p = new Pipeline({ keys, analysis: { includeNonTls: false }, onConnection: (c) => conns.push(c) });
  await p.run(await openCaptureFile(path));
  conns.sort((a, b) => a.id - b.id);
  const r = renderZeekLogs(conns, new Date(0), new Date(0));
  return { ssl: mask(r.ssl), x509: mask(r.x509) };
}

const out = join(repo, 'test', 'golden', 'zeek-logs');
rmSync(out, { recursive: true, force: true });
let n = 0;
for (const [dir, sub, withKeys] of [[join(repo, 'captures'), 'captures', true], [join(repo, 'test', 'fixtures', 'zeek'), 'zeek', false]]) {
  mkdirSync(join(out, sub), { recursive: true });
  for (const f of readdirSync(dir).filter((x) => /\.pcap(ng)?$/.test(x)).sort()) {
    const name = basename(f).replace(/\.(pcap|pcapng)$/, '');
    const keys = join(dir, `${name}.keys`);
    const r = await logs(join(dir, f), withKeys && existsSync(keys) ? keys : undefined);
    writeFileSync(join(out, sub, `${name}.ssl.log`), r.ssl);
    writeFileSync(join(out, sub, `${name}.x509.log`), r.x509);
    n++;
  }
}
console.log(`zeek-logs.mjs: ${n} inputs -> ${out}`);
