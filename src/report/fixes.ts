/**
 * The "Fixes" part of the text, Markdown and HTML reports: each diagnosis code used once, with its
 * RFC reference, general explanation and fix from the catalogue (src/analysis/diagnosis-catalogue.ts).
 * Connections print only what is specific to them; the code is the reference to this part. The
 * codes come from the summary's diagnosis counts, so a streamed report can print it at the end.
 * A fix shared by two codes (client-cert-empty and client-cert-required) is printed once.
 */
import { catalogueOfCodes, type CatalogueEntry, type DiagnosisCode } from '../analysis/diagnosis-catalogue.js';
import type { SummaryModel } from '../analysis/model.js';

export interface FixEntry {
  code: DiagnosisCode;
  entry: CatalogueEntry;
  /** Set when an earlier entry of the list has the same fix. */
  sameFixAs?: DiagnosisCode;
}

/** The catalogue entries of the codes in the summary, in catalogue order. */
export function fixEntries(s: Pick<SummaryModel, 'diagnoses'>): FixEntry[] {
  const byFix = new Map<string, DiagnosisCode>();
  return catalogueOfCodes(Object.keys(s.diagnoses)).map(([code, entry]) => {
    const first = byFix.get(entry.fix);
    if (first === undefined) byFix.set(entry.fix, code);
    return first === undefined ? { code, entry } : { code, entry, sameFixAs: first };
  });
}

/** HTML element id of a code's entry. */
export function fixAnchor(code: string): string {
  return `fix-${code}`;
}
