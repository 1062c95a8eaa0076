/**
 * Rejections only the application layer shows (nginx answers a failed client-certificate check
 * with HTTP 400 inside TLS, and no alert): the rule of ../app-layer.ts. A proven rejection
 * supersedes the diagnoses that only said "no alert was seen" or guessed from a silent close.
 */
import { HTTP_REJECTION_TEXT, httpRejectionFinding, SUPERSEDED } from '../app-layer.js';
import { rule, type AnyRule, type RuleContext } from './types.js';

function finding(x: RuleContext): ReturnType<typeof httpRejectionFinding> {
  return x.once('http', () => httpRejectionFinding(x.m));
}

const httpRejected = rule({
  name: 'client-cert-rejected-http',
  code: 'client-cert-rejected-http',
  severity: 'error',
  ...HTTP_REJECTION_TEXT,
  cites: "the CertificateRequest and its CAs, the client's Certificate, the server's first decrypted HTTP response (status, page title), no TLS alert before it",
  // after every TLS-level rule: it supersedes some of them
  appliesWhen: (x) => finding(x) !== null,
  evaluate: (x) => {
    const f = finding(x)!;
    return { summary: f.summary, evidence: f.evidence, evidenceFrames: f.evidenceFrames, ...(f.proven ? {} : { inferred: true }) };
  },
  supersedes: (x, _it, d) => finding(x)!.proven && SUPERSEDED.has(d.code) && (d.severity !== 'error' || d.inferred === true),
});

export const HTTP_RULES: readonly AnyRule[] = [httpRejected];
