/**
 * Issue 14: the generic text of a diagnosis code (RFC, explanation, fix) is printed once per
 * report — in a Fixes part before the summary — and connections keep only their own words. On
 * captures/all-scenarios (client-cert-unknown-ca twice, client-cert-empty and -required twice,
 * the latter two sharing one 400-character fix) no fix appears twice.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import { renderReportText } from '../../src/report/text.js';
import { renderReportMarkdown } from '../../src/report/markdown.js';
import { renderReportHtml } from '../../src/report/html.js';
import { DIAGNOSIS_CATALOGUE } from '../../src/analysis/diagnosis-catalogue.js';
import type { ReportModel } from '../../src/analysis/model.js';

const CAP = join(REPO, 'captures', 'all-scenarios.pcap');

async function report(): Promise<ReportModel> {
  const a = await analyse(CAP, { keylog: join(REPO, 'captures', 'all-scenarios.keys') });
  return reportModel(sourceModel(a.result, CAP, a.keys.secretCount()), a.connections.filter((c) => c.isTls), a.result.analyzer.summary());
}

const count = (hay: string, needle: string) => hay.split(needle).length - 1;
const flat = (s: string) => s.replace(/\s+/g, ' ');
const USED = ['client-cert-empty', 'client-cert-required', 'client-cert-unknown-ca'] as const;

describe('each code\'s explanation and fix once per report', () => {
  it('the report model carries the catalogue entries of the codes used, and only those', async () => {
    const r = await report();
    expect(Object.keys(r.catalogue)).toEqual([...USED]);
    expect(r.catalogue['client-cert-empty']).toEqual(DIAGNOSIS_CATALOGUE['client-cert-empty']);
    const perConn = r.connections.flatMap((c) => c.diagnoses.map((d) => d.code));
    expect(perConn.filter((c) => c === 'client-cert-unknown-ca').length).toBe(2);
  });

  it('text: a Fixes part before the summary; every explanation once, a shared fix once', async () => {
    const r = await report();
    const t = flat(renderReportText(r, { color: false, width: 100 }));
    expect(t.indexOf('Fixes (why and what to change')).toBeGreaterThan(t.lastIndexOf('error client-cert-'));
    expect(t.indexOf('Fixes (why and what to change')).toBeLessThan(t.indexOf('Summary source:'));
    for (const code of USED) expect(count(t, flat(DIAGNOSIS_CATALOGUE[code].explanation)), code).toBe(1);
    // client-cert-empty and -required share FIX.emptyCert: printed once, the other refers to it
    expect(count(t, flat(DIAGNOSIS_CATALOGUE['client-cert-empty'].fix))).toBe(1);
    expect(t).toContain('fix: as for client-cert-empty');
    expect(count(t, flat(DIAGNOSIS_CATALOGUE['client-cert-unknown-ca'].fix))).toBe(1);
    // the connection-specific words stay with the connection
    expect(t).toContain('- The server accepts certificates issued by: CN=Test CA,O=tls-inspect test PKI.');
  });

  it('markdown: a Fixes section with one heading per code, each diagnosis links to it', async () => {
    const r = await report();
    const m = renderReportMarkdown(r);
    for (const code of USED) {
      expect(count(m, `\n### ${code}\n`), code).toBe(1);
      expect(m).toContain(`\`${code}\`** — `);
      expect(m).toContain(`([why and fix](#${code}))`);
    }
    expect(count(flat(m), flat(DIAGNOSIS_CATALOGUE['client-cert-empty'].fix))).toBe(1);
    expect(m.indexOf('## Fixes')).toBeLessThan(m.indexOf('## Summary'));
  });

  it('html: one entry per code with an id, each diagnosis links to it', async () => {
    const r = await report();
    const h = renderReportHtml(r);
    for (const code of USED) {
      expect(count(h, `id="fix-${code}"`), code).toBe(1);
      expect(count(h, `<a href="#fix-${code}">why and fix</a>`)).toBe(r.summary.diagnoses[code]);
    }
    expect(h).not.toContain(DIAGNOSIS_CATALOGUE['client-cert-expired'].explanation.slice(0, 50)); // no entry of an unused code
  });
});
