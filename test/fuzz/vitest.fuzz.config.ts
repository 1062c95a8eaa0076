/**
 * `npm run fuzz`: the fuzz targets with FUZZ_TOTAL inputs (default 100,000 over every parser), the
 * full-size amplification captures (25 x 100,000 junk certificates),
 * the memory probes, the corruption suite on every committed capture (CORRUPTION_CASES, default 240)
 * and the secrets search through the spawned CLI on every capture. A summary table of inputs per
 * parser and time is printed at the end. Override with FUZZ_TOTAL / FUZZ_SEED / FUZZ_ONLY /
 * FUZZ_FROM / FUZZ_MAX_MS / CORRUPTION_CASES / CORRUPTION_SEED in the environment.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const report = join(tmpdir(), `tls-inspect-fuzz-${process.pid}.jsonl`);
const seed = process.env.FUZZ_SEED ?? String(Date.now() % 1_000_000_007);
// read by the global setup (this process) as well as by the test workers (test.env)
process.env.FUZZ_REPORT = report;
process.env.FUZZ_SEED = seed;

export default defineConfig({
  test: {
    root: join(import.meta.dirname, '..', '..'),
    include: ['test/fuzz/parsers.test.ts', 'test/fuzz/memory.test.ts', 'test/fuzz/corruption.test.ts', 'test/security/secrets.test.ts', 'test/security/amplification.test.ts', 'test/security/flood.test.ts', 'test/security/flood-full.fuzz.ts'],
    globalSetup: ['test/fuzz/fuzz-summary.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      FUZZ_TOTAL: process.env.FUZZ_TOTAL ?? '100000',
      FUZZ_SEED: seed,
      CORRUPTION_CASES: process.env.CORRUPTION_CASES ?? '240',
      CORRUPTION_SEED: process.env.CORRUPTION_SEED ?? String(Date.now() % 1_000_003),
      SECRETS_FULL: '1',
      // the full-size crafted capture: 25 connections x 100,000 junk certificates (18 MB)
      AMPLIFICATION_ENTRIES: process.env.AMPLIFICATION_ENTRIES ?? '100000',
      AMPLIFICATION_CONNECTIONS: process.env.AMPLIFICATION_CONNECTIONS ?? '25',
      FUZZ_REPORT: report,
    },
  },
});
