/**
 * Offline verification of the client's chain against --ca bundles (when given): the explanation
 * text for the unknown-CA diagnoses, and a diagnosis of its own when the chain cannot verify.
 */
import { verifyChain } from '../tls/x509/index.js';
import type { CertificateModel, DiagnosisModel } from './model.js';
import { certInfoOf, type CertContext } from './certificates.js';

export interface ChainCheck {
  text: string;
  /** Set when --ca was given and the chain could be checked: it verifies against those CAs. */
  verified?: boolean;
  /** It does not verify for a reason other than dates: no path to a --ca anchor, or a missing intermediate. */
  trustProblem?: 'untrusted' | 'missing-intermediate' | 'other';
  diagnosis?: Omit<DiagnosisModel, 'evidenceFrames'>;
}

export function chainProblems(chain: CertificateModel[], ctx: CertContext, atIso: string): ChainCheck {
  if (!ctx.trusted || ctx.trusted.length === 0 || chain.length === 0) return { text: '' };
  const infos = chain.map((c) => certInfoOf(c)).filter((x) => x !== undefined);
  if (infos.length !== chain.length) return { text: '' };
  const at = Date.parse(atIso);
  const v = verifyChain(infos, ctx.trusted, Number.isNaN(at) ? Date.now() : at);
  if (v.ok) return { verified: true, text: ' Verified offline against --ca: the chain is valid for those CAs, so the server trusts different CAs than the ones given.' };
  const problems = v.problems.map((p) => p.message).join('; ');
  const needed = v.neededCa ? ` To be trusted, the server needs ${v.neededCa}.` : '';
  const text = ` Offline check against --ca: ${problems}.${needed}`;
  const missing = v.problems.some((p) => p.code === 'missing-intermediate');
  const trust = v.problems.filter((p) => p.code !== 'expired' && p.code !== 'not-yet-valid');
  // dates alone: the validity diagnoses say it, with the packet time
  if (trust.length === 0) return { text, verified: false };
  const trustProblem = missing ? 'missing-intermediate' : trust.some((p) => p.code === 'untrusted-root') ? 'untrusted' : 'other';
  return {
    text,
    verified: false,
    trustProblem,
    diagnosis: {
      code: missing ? 'client-cert-unknown-ca' : 'client-cert-wrong-ca',
      severity: 'warning',
      summary: missing
        ? `The client's chain is missing an intermediate certificate: ${problems}.`
        : `The client's chain does not verify against the given CA bundle: ${problems}.`,
      evidence: [`Path: ${v.path.join(' <- ')}.`, ...(needed ? [needed.trim()] : [])],
    },
  };
}
