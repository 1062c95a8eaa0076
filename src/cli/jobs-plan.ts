/** `--jobs`: how many workers, and whether a run can use them (loaded before the pipeline). */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Captures smaller than this run in one process whatever --jobs says (starting workers costs
 * more than it saves); TLS_INSPECT_JOBS_MIN_BYTES overrides it (0: always in workers). */
export const JOBS_MIN_BYTES = 8 * 1024 * 1024;

/** --jobs not given, several captures: one worker per capture, as many at once as there are cores. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** --jobs not given, one capture: shards only with 3 or more cores. Every shard repeats reading and
 * TCP, and a one-process run already keeps ~1.5 cores busy (the main thread plus V8's GC threads):
 * on the 2-core bench machine two shards were slower than one process (json, 300k packets: 5.45 s
 * vs 4.69 s wall, median of 3, `npm run bench`). */
export function defaultShardJobs(): number {
  const n = availableParallelism();
  return n >= 3 ? n : 1;
}

export function minJobBytes(): number {
  const env = process.env.TLS_INSPECT_JOBS_MIN_BYTES;
  const v = env === undefined || env === '' ? NaN : Number(env);
  return Number.isFinite(v) && v >= 0 ? v : JOBS_MIN_BYTES;
}

/** Whether a file run can use workers: a report format (not the TUI or a log format), a named
 * file (not stdin) of at least minJobBytes(). */
export function workersFit(path: string, format: string): boolean {
  if (path === '-' || !['text', 'json', 'jsonl', 'html', 'markdown'].includes(format)) return false;
  try {
    return statSync(path).size >= minJobBytes();
  } catch {
    return false; // the one-process path says what is wrong with the file
  }
}

/** A directory given as a capture (`file DIR/`: its capture files). */
export function isDirectory(path: string): boolean {
  try {
    return path !== '-' && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
