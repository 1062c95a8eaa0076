/** `--jobs`: how many workers, and whether a run can use them (loaded before the pipeline). */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Captures smaller than this run in one process whatever --jobs says (starting workers costs
 * more than it saves); TLS_INSPECT_JOBS_MIN_BYTES overrides it (0: always in workers). */
export const JOBS_MIN_BYTES = 8 * 1024 * 1024;

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
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
