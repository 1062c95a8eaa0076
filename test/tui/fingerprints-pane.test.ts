/** Fingerprints in the TUI detail pane (ClientHello: JA4 / JA4_r / JA3, ServerHello: JA3S) and in
 * the text report with --details. */
import { describe, expect, it } from 'vitest';
import { defaultOpen, eventTree, flattenTree } from '../../src/tui/view-model/detail-tree.js';
import { renderConnectionText } from '../../src/report/text.js';
import { wrongCaTls12 } from './fixtures.js';

const FP = {
  ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
  ja4_r: 't13d1516h2_002f,0035_0005,000a',
  ja3: '38eaca597c62da4c9db8cfad482f14ad',
  ja3_full: '771,4865-4866,0-10-11,29-23,0',
  ja3s: 'f4febc55ea12b31ae17cfb7e614afda8',
  ja3s_full: '771,4865,43-51',
};

function labels(root: ReturnType<typeof eventTree>): string[] {
  return flattenTree(root, defaultOpen(root)).map((l) => `${'  '.repeat(l.depth)}${l.node.label}`);
}

describe('fingerprints in the detail pane', () => {
  const c = { ...wrongCaTls12(), fingerprints: FP };

  it('ClientHello shows JA4, JA4_r and JA3; ServerHello JA3S; other messages none', () => {
    const ch = labels(eventTree(c.events[0]!, c));
    expect(ch).toContain('  Fingerprints');
    expect(ch).toContain(`    JA4: ${FP.ja4}`);
    expect(ch).toContain(`    JA4_r: ${FP.ja4_r}`);
    expect(ch).toContain(`    JA3: ${FP.ja3}`);
    expect(ch.some((l) => l.includes('JA3S'))).toBe(false);
    const sh = labels(eventTree(c.events[1]!, c));
    expect(sh).toContain(`    JA3S: ${FP.ja3s}`);
    expect(sh.some((l) => l.includes('JA4'))).toBe(false);
    expect(labels(eventTree(c.events[2]!, c)).some((l) => l.includes('Fingerprints'))).toBe(false);
  });

  it('text report: a fingerprints line only with --details', () => {
    expect(renderConnectionText(c, { color: false })).not.toContain('JA4');
    const t = renderConnectionText(c, { color: false, details: true });
    expect(t).toContain(`  fingerprints: JA4 ${FP.ja4}  JA3 ${FP.ja3}  JA3S ${FP.ja3s}`);
    expect(t).toContain(`      JA4_r: ${FP.ja4_r}`);
  });
});
