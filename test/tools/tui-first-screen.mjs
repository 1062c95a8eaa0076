#!/usr/bin/env node
/**
 * Time to the TUI's first screen: starts `tls-inspect file CAPTURE` in a detached tmux pane
 * (a real pseudo-terminal), polls the pane every 5 ms until the connection table's header is
 * drawn, and then checks that a key is answered while the capture is still loading ('?' opens the
 * help overlay). Prints each run and the median; exit 1 when the median is above --limit ms.
 *
 * Usage: node test/tools/tui-first-screen.mjs CAPTURE [--runs N] [--limit MS] [--bin PATH]
 * (needs tmux; `npm run bench` makes bench-out/big.pcap, the 300k-packet capture of issue 7)
 */
import { execFileSync } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const capture = args.find((a, i) => !a.startsWith('--') && !['--runs', '--limit', '--bin'].includes(args[i - 1]));
if (!capture) {
  process.stderr.write('usage: tui-first-screen.mjs CAPTURE [--runs N] [--limit MS] [--bin PATH]\n');
  process.exit(2);
}
const runs = Number(opt('--runs', 5));
const limit = Number(opt('--limit', 1000));
const bin = resolve(opt('--bin', resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tls-inspect')));
const MARKER = /Client\s+Server|connections/; // the table header / the status line of the first screen
const tmux = (...a) => execFileSync('tmux', a, { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function once(n) {
  const session = `first-screen-${process.pid}-${n}`;
  const t0 = process.hrtime.bigint();
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '45', `${bin} file ${capture}`);
  let first = -1;
  let keyMs = -1;
  let loadingWhenKey = false;
  try {
    while (Number(process.hrtime.bigint() - t0) / 1e6 < 10_000) {
      const screen = tmux('capture-pane', '-p', '-t', session);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (first < 0 && MARKER.test(screen)) {
        first = ms;
        loadingWhenKey = /reading|loading|\d+%/.test(screen) && !/100%/.test(screen);
        tmux('send-keys', '-t', session, '?');
      } else if (first >= 0 && /[Hh]elp|keys/.test(screen) && /quit/.test(screen)) {
        keyMs = ms - first;
        break;
      }
      await sleep(5);
    }
  } finally {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      /* already gone */
    }
  }
  return { first, keyMs, loadingWhenKey };
}

const results = [];
for (let i = 0; i < runs; i++) {
  const r = await once(i);
  results.push(r);
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
  console.log(`run ${i + 1}: first screen ${r.first.toFixed(0)} ms; '?' answered ${r.keyMs.toFixed(0)} ms later${r.loadingWhenKey ? ' (capture still loading)' : ''}; load ${load}`);
  await sleep(300);
}
const sorted = results.map((r) => r.first).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`median first screen: ${median.toFixed(0)} ms (limit ${limit} ms)`);
process.exit(median >= 0 && median <= limit ? 0 : 1);
