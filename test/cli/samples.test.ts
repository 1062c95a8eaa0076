/**
 * The sample transcripts in test/golden/samples/ (shown in docs/samples.md and README) are the
 * tool's current output: a change to the text report fails here until the goldens are regenerated
 * with `npm run build && node test/tools/update-samples.mjs` (and the diff reviewed).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper shared with the generator script
import { README_BLOCK, REPO, SAMPLES_DIR, samples, transcript } from '../tools/samples.mjs';

interface Sample {
  name: string;
  args: string[];
}
const list = samples() as Sample[];
const golden = (name: string) => readFileSync(join(SAMPLES_DIR, `${name}.txt`), 'utf8');
const REGEN = 'regenerate with: npm run build && node test/tools/update-samples.mjs';

describe('sample transcripts', () => {
  it('there is one golden per committed capture, plus the no-keys one', () => {
    expect(list.length).toBeGreaterThan(40);
    for (const s of list) expect(existsSync(join(SAMPLES_DIR, `${s.name}.txt`)), `${s.name}: ${REGEN}`).toBe(true);
  });

  it.each(list.map((s) => [s.name, s] as const))('%s matches the tool', (_name, s) => {
    expect(transcript(s.args), REGEN).toBe(golden(s.name));
  });

  it('README and docs/samples.md show the goldens, unchanged', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(README_BLOCK)] as RegExpMatchArray[];
    expect(shown.length).toBeGreaterThan(0);
    for (const m of shown) expect(m[0], `README sample ${m[1]}: ${REGEN}`).toContain(golden(m[1]).trimEnd());
    const doc = readFileSync(join(REPO, 'docs', 'samples.md'), 'utf8');
    for (const s of list) expect(doc.includes(golden(s.name).trimEnd()), `docs/samples.md ${s.name}: ${REGEN}`).toBe(true);
  });
});
