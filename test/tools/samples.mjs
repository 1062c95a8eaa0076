// The per-sample transcripts: `tls-inspect file CAPTURE [--keylog KEYS]` on every capture in
// captures/ (plus one TLS 1.3 capture without its key log, to show the inference). Shared by
// test/tools/update-samples.mjs (writes test/golden/samples/*.txt, docs/samples.md and README's
// first sample) and test/cli/samples.test.ts (compares the goldens with the tool's output).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SAMPLES_DIR = join(REPO, 'test', 'golden', 'samples');
/** The first sample (sorted first). */
export const FIRST = 'all-scenarios';
/** README shows some samples between <!-- sample:NAME:start --> and <!-- sample:NAME:end -->. */
export const README_BLOCK = /<!-- sample:([\w.-]+):start -->[\s\S]*?<!-- sample:\1:end -->/g;

/** Every sample: { name (golden file base name), args (CLI arguments) }, README's first. */
export function samples() {
  const caps = readdirSync(join(REPO, 'captures'))
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort((a, b) => (a.startsWith(`${FIRST}.`) ? -1 : b.startsWith(`${FIRST}.`) ? 1 : a.localeCompare(b)));
  const out = caps.map((f) => {
    const base = f.replace(/\.pcap(ng)?$/, '');
    const keys = `captures/${base}.keys`;
    const args = ['file', `captures/${f}`];
    if (existsSync(join(REPO, keys))) args.push('--keylog', keys);
    return { name: base, args };
  });
  out.push({ name: 'tls13-no-cert.no-keys', args: ['file', 'captures/tls13-no-cert.pcap'] });
  out.push({ name: 'all-scenarios.brief', args: ['file', 'captures/all-scenarios.pcap', '--keylog', 'captures/all-scenarios.keys', '--brief'] });
  out.push({ name: 'all-scenarios.brief.no-keys', args: ['file', 'captures/all-scenarios.pcap', '--brief'] });
  return out;
}

/** The transcript as a user sees it on a pipe: the command line, then the report. */
export function transcript(args) {
  const out = execFileSync(process.execPath, [join(REPO, 'bin', 'tls-inspect'), ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', COLUMNS: '' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return `$ tls-inspect ${args.join(' ')}\n${out}`;
}
