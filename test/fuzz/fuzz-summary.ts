/** Global setup of vitest.fuzz.config.ts: prints inputs and time per parser after the run. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { FuzzStats } from './harness.js';

export default function setup(): () => void {
  const file = process.env.FUZZ_REPORT;
  return () => {
    if (!file || !existsSync(file)) return;
    const rows = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FuzzStats);
    rmSync(file, { force: true });
    const total = rows.reduce((n, r) => n + r.inputs, 0);
    const ms = rows.reduce((n, r) => n + r.totalMs, 0);
    const lines = rows.map((r) => `  ${r.target.padEnd(12)} ${String(r.inputs).padStart(8)} inputs ${(r.totalMs / 1000).toFixed(1).padStart(8)} s   max ${r.maxMs.toFixed(1)} ms/input`);
    process.stdout.write(`\nfuzz summary (FUZZ_SEED=${process.env.FUZZ_SEED}):\n${lines.join('\n')}\n  ${'total'.padEnd(12)} ${String(total).padStart(8)} inputs ${(ms / 1000).toFixed(1).padStart(8)} s\n`);
  };
}
