/**
 * `npm run perf`: timing probes of single stages (capture throughput incl. gzip and pcapng, net
 * decode cost per packet). They print numbers and check only that every packet was seen, so they
 * are not part of `npm test`; the whole-pipeline benchmark against tshark is `npm run bench`.
 */
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: join(import.meta.dirname, '..', '..'),
    include: ['test/bench/*.perf.ts'],
    testTimeout: 600_000,
    pool: 'forks',
  },
});
