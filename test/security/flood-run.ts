/** The CLI in a child process with its peak RSS read at exit (rss-probe.mjs), for the flood tests. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../fuzz/corpus.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const PROBE = join(REPO, 'test', 'security', 'rss-probe.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  rssMiB: number;
}

/** The CLI in a child process; stdout is counted, kept only up to 1 MiB (reports can be large). */
export function run(args: string[], dir: string): Promise<Run> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '', TLS_INSPECT_RSS_FILE: rssFile },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 1 << 20) out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 }));
  });
}

