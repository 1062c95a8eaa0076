/**
 * The report's `catalogue`: the generic text of each diagnosis code used in the report, once
 * (`{ "<code>": { rfc, explanation, fix } }`, from src/analysis/diagnosis-catalogue.ts, which the
 * rule table fills), so that connection diagnoses carry only their connection-specific words
 * (summary, evidence). Entries are in the catalogue's code order.
 */
import type { ConnectionModel } from '../analysis/model.js';
import { catalogueFor, type CatalogueEntry } from '../analysis/diagnosis-catalogue.js';

export type { CatalogueEntry };

/** Collects the diagnosis codes of the reported connections (in any order). */
export class CatalogueCollector {
  private readonly codes = new Set<string>();

  note(c: Pick<ConnectionModel, 'diagnoses'>): void {
    for (const d of c.diagnoses) this.codes.add(d.code);
  }

  /** Codes collected elsewhere (another capture's report). */
  noteCodes(codes: Iterable<string>): void {
    for (const c of codes) this.codes.add(c);
  }

  get size(): number {
    return this.codes.size;
  }

  catalogue(): Record<string, CatalogueEntry> {
    return catalogueFor(this.codes);
  }
}
