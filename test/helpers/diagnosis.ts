/** What a diagnosis says about its connection (summary + evidence), and its code's catalogue text. */
import { DIAGNOSIS_CATALOGUE } from '../../src/analysis/diagnosis-catalogue.js';
import type { DiagnosisModel } from '../../src/analysis/model.js';

/** The connection-specific words of a diagnosis: its summary and evidence, one string. */
export function said(d: DiagnosisModel): string {
  return [d.summary, ...(d.evidence ?? [])].join(' ');
}

/** The catalogue's general explanation of the diagnosis's code. */
export function explanationOf(d: Pick<DiagnosisModel, 'code'>): string {
  return DIAGNOSIS_CATALOGUE[d.code].explanation;
}

/** The catalogue's fix of the diagnosis's code. */
export function fixOf(d: Pick<DiagnosisModel, 'code'>): string {
  return DIAGNOSIS_CATALOGUE[d.code].fix;
}
