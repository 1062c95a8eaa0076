/**
 * Fuzz harness shared by `npm test` (small budget) and `npm run fuzz` (FUZZ_TOTAL inputs, see
 * vitest.fuzz.config.ts). A target generates an input from a seeded Rng and checks it; the harness
 * enforces a time bound per input, arms a watchdog against synchronous hangs, and reports how many
 * inputs ran. A failure names the target, the run seed, the input index and the input itself:
 * `FUZZ_SEED=<seed> FUZZ_ONLY=<target> FUZZ_FROM=<index>` reruns it first.
 */
import { appendFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { Rng, inputSeed } from './rng.js';

export interface FuzzTarget<T> {
  name: string;
  /** Share of FUZZ_TOTAL given to this target. */
  weight: number;
  gen(rng: Rng, index: number): T;
  /** Throws (or rejects) when the input reveals a bug. */
  check(input: T): void | Promise<void>;
  /** Printable form of an input for failure messages. */
  show(input: T): string;
  /** Time bound per input (default FUZZ_MAX_MS or 200 ms). */
  maxMs?: number;
}

export interface FuzzStats {
  target: string;
  inputs: number;
  totalMs: number;
  maxMs: number;
}

const env = process.env;
/** Total inputs over every target; `npm test` keeps it small. */
export const FUZZ_TOTAL = Number(env.FUZZ_TOTAL ?? 2000);
export const FUZZ_SEED = Number(env.FUZZ_SEED ?? 20240611) >>> 0;
export const FUZZ_MAX_MS = Number(env.FUZZ_MAX_MS ?? 200);
/** Seconds without progress inside one input before the watchdog kills the process. */
const HANG_SECONDS = Number(env.FUZZ_HANG_SECONDS ?? 20);
const ONLY = env.FUZZ_ONLY;
const FROM = Number(env.FUZZ_FROM ?? 0);

/** Sum of the weights of every registered target (set by the test files). */
let weightSum = 0;
export function registerWeights(targets: Array<FuzzTarget<unknown>>): void {
  for (const t of targets) weightSum += t.weight;
}

/** Inputs for a target: its share of FUZZ_TOTAL, at least 20. */
export function budget(t: { weight: number }, totalWeight = weightSum): number {
  return Math.max(20, Math.round((FUZZ_TOTAL * t.weight) / Math.max(totalWeight, t.weight)));
}

// ---- watchdog: a worker thread that notices a synchronous hang in the main thread ----

const WATCHDOG_SRC = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const state = new Int32Array(workerData.sab, 0, 4);
const input = new Uint8Array(workerData.sab, 16);
let last = -1, still = 0;
setInterval(() => {
  const beat = Atomics.load(state, 0);
  if (Atomics.load(state, 1) === 0 || beat !== last) { last = beat; still = 0; return; }
  if (++still < workerData.hangSeconds) return;
  const len = Math.min(Atomics.load(state, 2), input.length);
  const file = require('node:os').tmpdir() + '/tls-inspect-fuzz-hang-' + process.pid + '.txt';
  fs.writeFileSync(file, Buffer.from(input.subarray(0, len)));
  fs.writeSync(2, '\\nFUZZ HANG: no progress for ' + still + ' s; input written to ' + file + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;

const SAB = new SharedArrayBuffer(16 + (1 << 20));
const state = new Int32Array(SAB, 0, 4);
const inputBuf = new Uint8Array(SAB, 16);
let watchdog: Worker | null = null;

function arm(description: string): void {
  if (watchdog === null) {
    watchdog = new Worker(WATCHDOG_SRC, { eval: true, workerData: { sab: SAB, hangSeconds: HANG_SECONDS } });
    watchdog.unref();
  }
  const text = Buffer.from(description, 'utf8');
  const n = Math.min(text.length, inputBuf.length);
  inputBuf.set(text.subarray(0, n));
  Atomics.store(state, 2, n);
  Atomics.add(state, 0, 1);
  Atomics.store(state, 1, 1);
}

function disarm(): void {
  Atomics.store(state, 1, 0);
}

// ---- running ----

function fail(t: FuzzTarget<unknown>, index: number, input: unknown, why: string): never {
  const where = `fuzz target ${t.name}, FUZZ_SEED=${FUZZ_SEED} input #${index}`;
  throw new Error(`${where}: ${why}\ninput: ${t.show(input)}`);
}

async function once<T>(t: FuzzTarget<T>, input: T): Promise<number> {
  const t0 = performance.now();
  const r = t.check(input);
  if (r instanceof Promise) await r;
  return performance.now() - t0;
}

/** Runs `count` inputs of `t`; returns the statistics (also appended to $FUZZ_REPORT). */
export async function runTarget<T>(t: FuzzTarget<T>, count = budget(t)): Promise<FuzzStats> {
  const stats: FuzzStats = { target: t.name, inputs: 0, totalMs: 0, maxMs: 0 };
  if (ONLY !== undefined && ONLY !== t.name) return stats;
  const bound = t.maxMs ?? FUZZ_MAX_MS;
  const order = FROM > 0 && FROM < count ? [FROM, ...Array.from({ length: count }, (_, i) => i).filter((i) => i !== FROM)] : null;
  for (let k = 0; k < count; k++) {
    const index = order ? order[k]! : k;
    const input = t.gen(new Rng(inputSeed(FUZZ_SEED, t.name, index)), index);
    const shown = () => t.show(input);
    arm(`fuzz target ${t.name}, FUZZ_SEED=${FUZZ_SEED} input #${index}\ninput: ${shown()}\n`);
    let ms: number;
    try {
      ms = await once(t, input);
      // a GC pause or a busy machine can stretch one run: only a repeatable slowness counts
      if (ms > bound) ms = Math.min(ms, await once(t, input));
    } catch (err) {
      disarm();
      const e = err as Error;
      fail(t, index, input, `${e.name}: ${e.message}\n${e.stack ?? ''}`);
    }
    disarm();
    if (ms > bound) fail(t, index, input, `took ${ms.toFixed(1)} ms (bound ${bound} ms) twice`);
    stats.inputs++;
    stats.totalMs += ms;
    if (ms > stats.maxMs) stats.maxMs = ms;
  }
  report(stats);
  return stats;
}

function report(s: FuzzStats): void {
  const line = `fuzz ${s.target}: ${s.inputs} inputs, ${s.totalMs.toFixed(0)} ms, max ${s.maxMs.toFixed(1)} ms/input`;
  if (env.FUZZ_REPORT) appendFileSync(env.FUZZ_REPORT, `${JSON.stringify(s)}\n`);
  if (env.FUZZ_VERBOSE || env.FUZZ_REPORT) console.log(line);
}
