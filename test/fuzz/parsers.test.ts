/**
 * Every parser under generated and mutated input: no uncaught exception, no hang (time bound per
 * input), contract checks per stage. FUZZ_TOTAL inputs in all (2,000 under `npm test`; `npm run
 * fuzz` runs 100,000+). Reproduce a failure with the FUZZ_SEED / FUZZ_ONLY / FUZZ_FROM it prints.
 */
import { describe, expect, it } from 'vitest';
import { FUZZ_TOTAL, budget, registerWeights, runTarget, type FuzzTarget } from './harness.js';
import { netTarget, pcapTarget, pcapngTarget, tcpTarget } from './targets-capture.js';
import { handshakeTarget, keylogTarget, recordTarget, x509Target } from './targets-tls.js';
import { pipelineTarget } from './targets-pipeline.js';
import { quicFramesTarget, quicTarget } from './targets-quic.js';

const TARGETS = [
  pcapTarget, pcapngTarget, netTarget, tcpTarget, recordTarget, handshakeTarget, x509Target, keylogTarget, pipelineTarget, quicTarget,
  quicFramesTarget,
] as Array<FuzzTarget<unknown>>;
registerWeights(TARGETS);

// Budget per target scales with FUZZ_TOTAL; give the test a time limit to match (about 2 ms/input,
// pipeline inputs more).
const timeout = (t: FuzzTarget<unknown>) => 30_000 + budget(t) * (t.name === 'pipeline' ? 60 : 5);

describe(`fuzz (${FUZZ_TOTAL} inputs over ${TARGETS.length} parsers)`, () => {
  for (const t of TARGETS) {
    it(`${t.name}: ${budget(t)} inputs`, { timeout: timeout(t) }, async () => {
      const s = await runTarget(t);
      expect(s.inputs).toBe(process.env.FUZZ_ONLY && process.env.FUZZ_ONLY !== t.name ? 0 : budget(t));
    });
  }
});
