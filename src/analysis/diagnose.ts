/**
 * Diagnosis: from a finished connection model to root causes with evidence frames, the RFC reason
 * and a concrete fix, by the rule table of ./rules/index.ts (each rule says when it applies and
 * which evidence it rests on; an alert is not the only evidence: many stacks close without one —
 * see FIELD-NOTES).
 */
import type { ConnectionModel, DiagnosisModel } from './model.js';
import type { CertContext } from './certificates.js';
import type { Tls13Inference } from './infer-tls13.js';
import { DIAGNOSIS_RULES, runRules } from './rules/index.js';
import { chainProblems } from './chain-check.js';
import { RuleContext, type DiagnosisFacts } from './rules/types.js';

export { usageIssues } from './rules/client-cert-sent.js';
export { diagnosisFacts, type DiagnosisFacts } from './rules/types.js';

export function diagnose(m: ConnectionModel, ctx: CertContext, tls: DiagnosisFacts, inf?: Tls13Inference): DiagnosisModel[] {
  const out = runRules(DIAGNOSIS_RULES, new RuleContext(m, ctx, inf, tls, (chain, at) => chainProblems(chain, ctx, at)));
  for (const d of out) d.evidenceFrames = [...new Set(d.evidenceFrames)].sort((a, b) => a - b);
  return out;
}
