/**
 * The diagnosis catalogue: per code, the RFC reference, the general explanation and the fix —
 * the text that is the same for every connection, built from the rule table (./rules/index.ts;
 * rules with the same code share one text, a test checks it). Diagnoses keep only what is
 * specific to their connection (summary, evidence); reports print each code's entry once.
 */
import type { CatalogueEntry } from './model.js';
import { DIAGNOSIS_CODES, type DiagnosisCode } from './diagnosis-codes.js';
import { DIAGNOSIS_RULES } from './rules/index.js';

export { DIAGNOSIS_CODES, type DiagnosisCode } from './diagnosis-codes.js';
export type { CatalogueEntry } from './model.js';

function build(): Record<DiagnosisCode, CatalogueEntry> {
  const out = {} as Record<DiagnosisCode, CatalogueEntry>;
  for (const code of DIAGNOSIS_CODES) {
    const r = DIAGNOSIS_RULES.find((x) => x.code === code);
    if (!r) throw new Error(`no diagnosis rule makes ${code}`);
    out[code] = Object.freeze({ rfc: r.rfc, explanation: r.explanation, fix: r.fix });
  }
  return Object.freeze(out);
}

export const DIAGNOSIS_CATALOGUE: Readonly<Record<DiagnosisCode, CatalogueEntry>> = build();

/** The report's `catalogue`: the entries of the codes used (e.g. the summary's diagnosis counts), in DIAGNOSIS_CODES order. */
export function catalogueFor(codes: Iterable<string>): Partial<Record<DiagnosisCode, CatalogueEntry>> {
  return Object.fromEntries(catalogueOfCodes(codes));
}

/** The catalogue entries of codes (e.g. the summary's diagnosis counts), in DIAGNOSIS_CODES order; unknown codes are skipped. */
export function catalogueOfCodes(codes: Iterable<string>): Array<[DiagnosisCode, CatalogueEntry]> {
  const used = new Set(codes);
  return DIAGNOSIS_CODES.filter((c) => used.has(c)).map((c) => [c, DIAGNOSIS_CATALOGUE[c]]);
}
