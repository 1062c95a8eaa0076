/**
 * `--jobs N`: the report of N worker threads is byte-identical to one process's, on every committed
 * capture (with its key log), for json and text (jobs 1 vs 2 vs 3) and the other formats on a few.
 * The CLI runs in this process (the built dist/, whose workers load dist/cli/jobs-worker.js),
 * writing with -o; workers are forced on these small captures by calling runFileWithJobs directly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';

const DIST = join(REPO, 'dist', 'cli');
const TMP = mkdtempSync(join(tmpdir(), 'tli-jobs-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

type Args = Record<string, unknown>;
interface Pool {
  close(): Promise<void>;
}
const files = (await import(join(DIST, 'files-command.js'))) as {
  runFileWithJobs(a: Args, jobs: number, pool: Pool): Promise<number>;
  jobsFallbacks: string[][];
};
const { WorkerPool } = (await import(join(DIST, 'jobs.js'))) as { WorkerPool: new (n: number) => Pool };
// one pool for the whole file: three workers load the modules once
const pool = new WorkerPool(3);
afterAll(() => pool.close());
const single = (await import(join(DIST, 'file-command.js'))) as { runFileCommand(a: Args): Promise<number> };

function captures(): string[] {
  const out: string[] = [];
  for (const dir of ['captures', 'captures/quic']) {
    for (const n of readdirSync(join(REPO, dir)).sort()) if (/\.(pcap|pcapng)$/.test(n)) out.push(join(REPO, dir, n));
  }
  return out;
}

function args(capture: string, format: string, output: string, extra: Args = {}): Args {
  const keys = capture.replace(/\.(pcap|pcapng)$/, '.keys');
  return {
    capture, format, output, keylog: existsSync(keys) ? [keys] : undefined, all: false, tui: false, color: false, brief: false,
    timeFormat: 'r', maxBufferMb: 256, maxConnections: 1_000_000, maxMessageKb: 1024, details: false, ...extra,
  };
}

let n = 0;
async function run(a: Args, jobs: number): Promise<{ code: number; bytes: Buffer }> {
  const output = join(TMP, `out-${n++}`);
  const code = jobs === 1 ? await single.runFileCommand({ ...a, output }) : await files.runFileWithJobs({ ...a, output }, jobs, pool);
  return { code, bytes: readFileSync(output) };
}

describe('--jobs N is byte-identical to --jobs 1', () => {
  const all = captures();
  it('covers the committed captures', () => {
    expect(all.length).toBeGreaterThan(70);
  });
  for (const format of ['json', 'text']) {
    it(`${format}: every committed capture, jobs 1 vs 2 vs 3`, async () => {
      const before = files.jobsFallbacks.length;
      for (const cap of all) {
        const one = await run(args(cap, format, ''), 1);
        for (const jobs of [2, 3]) {
          const many = await run(args(cap, format, ''), jobs);
          expect(many.code, `${cap} --jobs ${jobs}`).toBe(one.code);
          expect(many.bytes.equals(one.bytes), `${cap} ${format} --jobs ${jobs}`).toBe(true);
        }
      }
      // the workers did the work: only captures whose orientation needs the listening-port guess
      // (connections without a TCP or TLS handshake) went back to one process
      const back = files.jobsFallbacks.slice(before);
      expect(back.every((why) => why.join() === 'listening-port orientation'), back.join('; ')).toBe(true);
      expect(back.length).toBeLessThan(all.length / 4);
    }, 600_000);
  }
});
