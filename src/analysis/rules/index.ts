/**
 * The diagnosis rule table: every rule, in the order it runs. The order is part of the rules —
 * a later rule may read what an earlier one found (the alerts it explains, whether an error was
 * found, a diagnosis it supersedes) — and the order of the diagnoses in a report follows it.
 * test/analysis/diagnosis-rules.test.ts pins it.
 */
import type { DiagnosisModel } from '../model.js';
import { CLIENT_CERT_SENT_RULES } from './client-cert-sent.js';
import { CLIENT_CERT_MISSING_RULES, INFERRED_CLIENT_CERT_RULES, NOT_REQUESTED_RULES } from './client-cert-missing.js';
import { ALERT_RULES, INCOMPLETE_RULES, QUIC_RULES, SERVER_CERT_RULES } from './server.js';
import { CAPTURE_RULES, MALFORMED_RULES } from './capture.js';
import { HTTP_RULES } from './http.js';
import { VISIBILITY_RULES } from './visibility.js';
import type { AnyRule, RuleContext } from './types.js';

export const DIAGNOSIS_RULES: readonly AnyRule[] = [
  // the server rejected (or did not enforce) the client's certificate
  ...CLIENT_CERT_SENT_RULES,
  // no certificate from the client
  ...CLIENT_CERT_MISSING_RULES,
  // the client rejected the server
  ...SERVER_CERT_RULES,
  // every alert not explained above
  ...ALERT_RULES,
  // one-way TLS
  ...NOT_REQUESTED_RULES,
  ...QUIC_RULES,
  // after every rule that may find an error
  ...INCOMPLETE_RULES,
  // TLS 1.3 without keys: from record sizes
  ...INFERRED_CLIENT_CERT_RULES,
  ...MALFORMED_RULES,
  ...CAPTURE_RULES,
  // decrypted HTTP rejections (nginx 400), superseding weaker TLS-level diagnoses
  ...HTTP_RULES,
  // what the capture cannot show
  ...VISIBILITY_RULES,
];

/** Runs `rules` in order on one connection, adding their diagnoses to `x.out`. */
export function runRules(rules: readonly AnyRule[], x: RuleContext): DiagnosisModel[] {
  for (const r of rules) {
    const items: readonly unknown[] = r.each ? r.each(x) : [undefined];
    for (const it of items) {
      if (!r.appliesWhen(x, it)) continue;
      const f = r.evaluate(x, it);
      const evidence = f.evidence?.filter((e): e is string => typeof e === 'string' && e !== '');
      // the key order is the JSON report's
      const d: DiagnosisModel = {
        code: r.code,
        severity: typeof r.severity === 'function' ? r.severity(x, it) : r.severity,
        summary: f.summary,
        ...(evidence && evidence.length > 0 ? { evidence } : {}),
        evidenceFrames: f.evidenceFrames,
        ...(r.inferred || f.inferred ? { inferred: true } : {}),
      };
      if (r.explains) for (const a of r.explains(x, it)) x.explained.add(a);
      x.out.push(d);
      if (r.supersedes) {
        for (let i = x.out.length - 2; i >= 0; i--) if (r.supersedes(x, it, x.out[i])) x.out.splice(i, 1);
      }
    }
  }
  return x.out;
}
