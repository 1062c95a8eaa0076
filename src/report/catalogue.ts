/**
 * The report's `catalogue`: the generic text of each diagnosis code used in the report, once
 * (`{ "<code>": { rfc, explanation, fix } }`), so that connection diagnoses carry only their
 * connection-specific words (summary, evidence).
 *
 * Until the code-side catalogue (src/analysis/diagnosis-catalogue.ts, DIAGNOSIS_CATALOGUE) exists,
 * a code's text is that of its first diagnosis in the report (lowest connection id): explanation
 * and fix as written, rfc the `RFC n §x` reference(s) the explanation opens with (else "").
 * `catalogueFor` is the one place that changes when DIAGNOSIS_CATALOGUE arrives.
 */
import type { ConnectionModel, DiagnosisModel } from '../analysis/model.js';

export interface CatalogueEntry {
  rfc: string;
  explanation: string;
  fix: string;
}

/** What a code's first diagnosis said (the stand-in for DIAGNOSIS_CATALOGUE). */
export type FirstTexts = ReadonlyMap<string, Pick<DiagnosisModel, 'explanation' | 'fix'>>;

/** "RFC 8446 §4.4.2 / RFC 5246 §7.4.6: ..." -> "RFC 8446 §4.4.2 / RFC 5246 §7.4.6". */
const LEADING_RFC = /^RFC \d+ §[\d.]*\d(?: \/ RFC \d+ §[\d.]*\d)*/;

export function rfcReference(explanation: string): string {
  return LEADING_RFC.exec(explanation)?.[0] ?? '';
}

/** The catalogue of `codes`, keys in code order. */
export function catalogueFor(codes: Iterable<string>, first: FirstTexts): Record<string, CatalogueEntry> {
  const out: Record<string, CatalogueEntry> = {};
  for (const code of [...new Set(codes)].sort()) {
    const d = first.get(code);
    const explanation = d?.explanation ?? '';
    out[code] = { rfc: rfcReference(explanation), explanation, fix: d?.fix ?? '' };
  }
  return out;
}

/** Collects the codes of the reported connections (in any order) and each code's first text. */
export class CatalogueCollector {
  private readonly first = new Map<string, { id: number; explanation?: string; fix?: string }>();

  note(c: ConnectionModel): void {
    for (const d of c.diagnoses) {
      const known = this.first.get(d.code);
      if (known === undefined || c.id < known.id) this.first.set(d.code, { id: c.id, explanation: d.explanation, fix: d.fix });
    }
  }

  get size(): number {
    return this.first.size;
  }

  catalogue(): Record<string, CatalogueEntry> {
    return catalogueFor(this.first.keys(), this.first);
  }
}
