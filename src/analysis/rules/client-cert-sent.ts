/**
 * Rules for a client certificate that was sent: the server rejected it (by alert — the cause ranked
 * by what the capture proves, ../cause-ranking.ts — or silently, ../acceptance.ts decides), or
 * accepted one it cannot have verified (client-cert-not-enforced), plus usage and --ca chain
 * warnings. A leaf that is not X.509 proves nothing about CA, validity or usage (./capture.ts says
 * what it is), so none of these rules applies then.
 */
import type { CertificateModel, ConnectionModel, EventModel } from '../model.js';
import { FIX } from '../fixes.js';
import { dnKeyOfString } from '../dn-key.js';
import type { ChainCheck } from '../chain-check.js';
import type { Acceptance } from '../acceptance.js';
import { causeCode, causeDiagnosis, rankCauses, validityOf, type Cause, type Ranking } from '../cause-ranking.js';
import type { DiagnosisCode } from '../diagnosis-codes.js';
import { AlertDescription as AD } from '../../tls/registry/index.js';
import { after, frames, rule, who, type AnyRule, type RuleContext } from './types.js';

export function usageIssues(cert: CertificateModel): string[] {
  const out: string[] = [];
  const eku = cert.extendedKeyUsage;
  if (eku && eku.length > 0 && !eku.includes('clientAuth') && !eku.includes('anyExtendedKeyUsage')) {
    out.push(`extendedKeyUsage is ${eku.join(', ')} without clientAuth (RFC 5280 §4.2.1.12)`);
  }
  const ku = cert.keyUsage;
  if (ku && ku.length > 0 && !ku.includes('digitalSignature')) {
    out.push(`keyUsage is ${ku.join(', ')} without digitalSignature, needed to sign CertificateVerify (RFC 5280 §4.2.1.3)`);
  }
  return out;
}

/** A certificate whose bytes did not parse: no validity, usage or issuer conclusion may use it. */
export function unparseable(c: CertificateModel | undefined): boolean {
  return c?.error !== undefined;
}

/** Alerts that close a connection normally or are only warnings by nature. */
const NOT_FATAL = new Set<number>([AD.close_notify, AD.user_canceled, AD.no_renegotiation, AD.unrecognized_name]);

/** The evidence every rule of this file reads, computed once. */
interface Sent {
  leaf: CertificateModel;
  clientCert: EventModel;
  accepted: string[];
  /** Any certificate of the chain issued by (or being) a CA of the CertificateRequest; undefined without a list. */
  issuerListed: boolean | undefined;
  caNote: string;
  /** The server's fatal alerts after the client's Certificate. */
  alerts: EventModel[];
  validity: 'expired' | 'not-yet-valid' | null;
  usage: string[];
  chain: ChainCheck;
  /** No alert, and the server closed right after the client's flight. */
  silent: boolean;
  wentOn: string;
  silentText: string;
  /** Not enforced: what the server should have refused, when it accepted (as a fact) a certificate it should not have. */
  notEnforced: string | null;
  ranking: Ranking | null;
}

function accText(acc: Acceptance): string {
  return acc.evidence.length > 0 ? acc.evidence.join('; ') : 'nothing decisive';
}

function fatalAlerts(m: ConnectionModel): EventModel[] {
  return m.alerts.filter((a) => a.level === 'fatal' || (a.code !== undefined && !NOT_FATAL.has(a.code)));
}

export function sentEvidence(x: RuleContext): Sent | null {
  return x.once('sent', () => computeSent(x));
}

function computeSent(x: RuleContext): Sent | null {
  const m = x.m;
  const cc = m.clientCertificate;
  const clientCert = x.clientCert;
  const leaf = cc.chain?.[0];
  if (cc.status !== 'sent' || !clientCert || unparseable(leaf) || !leaf) return null;
  const acc = x.acceptance;
  const accepted = cc.acceptedAuthorities ?? [];
  // the chain is acceptable when any certificate in it is issued by (or is) a listed CA
  const listedKeys = new Set(accepted.map(dnKeyOfString));
  const issuerListed =
    accepted.length > 0
      ? (cc.chain ?? []).some((c) => listedKeys.has(dnKeyOfString(c.issuer)) || listedKeys.has(dnKeyOfString(c.subject)))
      : undefined;
  const caNote =
    issuerListed === false
      ? ` Its issuer ${leaf.issuer} is not among the CAs the server listed in its CertificateRequest (${accepted.join('; ')}).`
      : '';
  const fatal = fatalAlerts(m);
  const alerts = after(m.events, clientCert).filter((e) => e.kind === 'alert' && who(e) === 'server' && fatal.includes(e));
  const a = alerts[0];
  const validity = validityOf(leaf, m.startTime);
  const usage = usageIssues(leaf);
  const chain = x.chainCheck(cc.chain ?? [], m.startTime);
  const silent = !a && acc.verdict === 'rejected-silently';
  // "not enforced" needs the acceptance as a fact: with the data decrypted or the handshake visible
  const accepts = !a && acc.verdict === 'accepted' && !acc.inferred && m.decrypted === true;
  const wentOn =
    !a && acc.continued && acc.verdict !== 'rejected-silently'
      ? ` The server did not reject it during the handshake (${accText(acc)}): either it does not enforce client verification, or it rejects at the application layer (nginx answers HTTP 400 inside TLS) — give the key log (--keylog) to see the first response.`
      : '';
  const silentText = silent ? ` Evidence: no alert, but ${accText(acc)} — Node.js (requestCert + rejectUnauthorized) rejects client certificates this way.` : '';
  const problem = (): string | null => {
    if (validity === 'expired') return `${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime})`;
    if (validity === 'not-yet-valid') return `${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime})`;
    if (issuerListed === false) return `${leaf.subject} is issued by ${leaf.issuer}, which is not among the CAs in the server's CertificateRequest (${accepted.join('; ')})`;
    // --ca speaks only when the server named no CAs: a listed issuer means the server trusts other CAs than --ca
    if (chain.diagnosis && issuerListed === undefined) return `${leaf.subject} does not verify against the given --ca bundle:${chain.text}`;
    return null;
  };
  const notEnforced = accepts ? problem() : null;
  // a rejection alert: the cause is ranked by what the capture proves (../cause-ranking.ts)
  const ranking =
    !notEnforced && a
      ? rankCauses({
          leaf, alerts, at: clientCert.time, issuerListed, accepted, usage, chain,
          caGiven: (x.certs.trusted?.length ?? 0) > 0, cv: cc.certificateVerify, cvHidden: m.version === 'TLS 1.3' && m.decrypted !== true,
          frames: { request: x.certRequest?.frame, certificate: clientCert.frame, verify: x.clientCv?.frame },
        })
      : null;
  return { leaf, clientCert, accepted, issuerListed, caNote, alerts, validity, usage, chain, silent, wentOn, silentText, notEnforced, ranking };
}

/** No alert from the server after the certificate, and not a proven non-enforcement. */
function noAlert(s: Sent | null): s is Sent {
  return s !== null && !s.notEnforced && s.alerts.length === 0;
}

/** The catalogue text of each code these rules make (../diagnosis-catalogue.ts). */
const TEXT = {
  notEnforced: {
    rfc: 'RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6',
    explanation:
      'A server that requires client authentication aborts the handshake when the certificate does not verify ' +
      '(RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6: bad_certificate, unknown_ca, certificate_expired); this one requested a certificate but ignores the verification result, ' +
      'so any client with any certificate gets in (OpenSSL s_server -Verify without -verify_return_error, nginx ssl_verify_client optional_no_ca, Go RequireAnyClientCert, Node requestCert without rejectUnauthorized). ' +
      'A server may trust more CAs than its CertificateRequest names; if the issuer is one of them, the acceptance is intended. ' +
      'If the application rejects the certificate instead (nginx answers HTTP 400 inside TLS), its first decrypted response shows that.',
    fix: `${FIX.notEnforced} Then give the client a valid certificate: renew an expired or not yet valid one, or issue it from a CA the server trusts.`,
  },
  keyMismatch: {
    rfc: 'RFC 8446 §4.4.3 / RFC 5246 §7.4.8',
    explanation:
      "CertificateVerify is signed with the client's private key over the handshake transcript (RFC 8446 §4.4.3, RFC 5246 §7.4.8). " +
      'decrypt_error means the signature did not verify with the public key in the client certificate — the key does not match the certificate, or the signature scheme is not acceptable (RFC 8446 §6.2). ' +
      'tls-inspect checks the signature itself when the transcript is visible.',
    fix: FIX.keyMismatch,
  },
  expired: {
    rfc: 'RFC 5280 §4.1.2.5, RFC 8446 §6.2',
    explanation:
      'Validity is checked at the capture time, not today. RFC 5280 §4.1.2.5: a certificate is valid only between notBefore and notAfter; ' +
      'RFC 8446 §6.2 certificate_expired. A server that verifies certificates rejects it, with an alert (certificate_expired, bad_certificate) or silently.',
    fix: FIX.expired,
  },
  notYetValid: {
    rfc: 'RFC 5280 §4.1.2.5, RFC 8446 §6.2',
    explanation:
      'Validity is checked at the capture time, not today. RFC 5280 §4.1.2.5: a certificate is valid only between notBefore and notAfter; ' +
      'RFC 8446 §6.2 certificate_expired (OpenSSL servers answer bad_certificate). A server that verifies certificates rejects it, with an alert or silently.',
    fix: FIX.notYetValid,
  },
  badUsage: {
    rfc: 'RFC 5280 §4.2.1.12 / §4.2.1.3, RFC 8446 §6.2',
    explanation:
      'A client certificate needs the clientAuth extended key usage (when it has an EKU extension) and, with a keyUsage extension, digitalSignature to sign CertificateVerify. ' +
      'Servers that check key usage reject it with unsupported_certificate (43, RFC 8446 §6.2); OpenSSL does, GnuTLS does not check EKU.',
    fix: FIX.badUsage,
  },
  unknownCa: {
    rfc: 'RFC 8446 §6.2 / RFC 5246 §7.2.2',
    explanation:
      "The server could not build a path from the client's certificate to a CA it trusts (unknown_ca), or rejected it with a broader alert and nothing in the capture points to another cause: " +
      'its client-CA bundle lacks the issuer, a different CA has the same name, or an intermediate is missing. It is the server rejecting the client, not a local failure. ' +
      "RFC 8446 §4.4.2: the sender's certificate comes first, each following certificate certifies the one before it.",
    fix: FIX.unknownCa,
  },
  wrongCa: {
    rfc: 'RFC 8446 §4.3.2 / RFC 5246 §7.4.4',
    explanation:
      'RFC 8446 §4.3.2 / RFC 5246 §7.4.4: certificate_authorities lists the CAs the server accepts; a certificate from another CA is normally rejected — ' +
      'with an alert (bad_certificate, unknown_ca, certificate_unknown, access_denied), or without one: some servers (Node, nginx) close the connection or answer at the HTTP level instead. ' +
      "With --ca, the chain does not lead to a CA of the given bundle (RFC 8446 §4.4.2: the sender's certificate comes first, each following certificate certifies the one before it).",
    fix: FIX.unknownCa,
  },
} as const;

const notEnforced = rule({
  name: 'client-cert-not-enforced',
  code: 'client-cert-not-enforced',
  severity: 'warning',
  ...TEXT.notEnforced,
  cites: 'a certificate the server should refuse (expired, not yet valid, issuer not in its CertificateRequest, failing --ca) that it accepted as a fact (decrypted data or tickets, no alert)',
  appliesWhen: (x) => sentEvidence(x)?.notEnforced != null,
  evaluate: (x) => {
    const s = sentEvidence(x)!;
    const acc = x.acceptance;
    const how = acc.servedDecrypted ? 'and served application data' : 'and went on with the session';
    return {
      summary: `The server accepted a client certificate it should have refused ${how}: ${s.notEnforced}. It does not appear to enforce client-certificate verification.`,
      evidence: [`No alert, and ${accText(acc)}.`],
      evidenceFrames: frames(x.certRequest?.frame, s.clientCert.frame, ...acc.frames),
    };
  },
});

const CODE_TEXT: Partial<Record<DiagnosisCode, (typeof TEXT)[keyof typeof TEXT]>> = {
  'client-cert-key-mismatch': TEXT.keyMismatch,
  'client-cert-expired': TEXT.expired,
  'client-cert-not-yet-valid': TEXT.notYetValid,
  'client-cert-bad-usage': TEXT.badUsage,
  'client-cert-unknown-ca': TEXT.unknownCa,
  'client-cert-wrong-ca': TEXT.wrongCa,
};
const RANKING_CITES =
  "the server's fatal alert after the client's Certificate, and the checked facts: validity at the packet time, issuer vs the CertificateRequest CAs (and --ca), EKU / key usage, the CertificateVerify signature";

/** The server rejected the certificate by alert: the primary cause (an error). */
function primaryCause(c: Cause, code: DiagnosisCode): AnyRule {
  return rule({
    name: `rejected-by-alert:${c}${c === 'unknown-ca' && code === 'client-cert-wrong-ca' ? ':unlisted' : ''}`,
    code,
    severity: 'error',
    ...CODE_TEXT[code]!,
    cites: RANKING_CITES,
    appliesWhen: (x) => {
      const r = sentEvidence(x)?.ranking;
      return r != null && r.primary === c && causeCode(c, r) === code;
    },
    evaluate: (x) => causeDiagnosis(c, sentEvidence(x)!.ranking!, 'error'),
    explains: (x) => sentEvidence(x)!.ranking!.explained,
  });
}

/** Another cause the capture proves besides the primary one (a warning). */
function alsoCause(c: Cause, code: DiagnosisCode): AnyRule {
  return rule({
    name: `rejected-by-alert:also-${c}`,
    code,
    severity: 'warning',
    ...CODE_TEXT[code]!,
    cites: RANKING_CITES,
    appliesWhen: (x) => sentEvidence(x)?.ranking?.also.includes(c) === true,
    evaluate: (x) => causeDiagnosis(c, sentEvidence(x)!.ranking!, 'warning'),
  });
}

function validityRule(v: 'expired' | 'not-yet-valid'): AnyRule {
  return rule({
    name: `${v}-no-alert`,
    code: v === 'expired' ? 'client-cert-expired' : 'client-cert-not-yet-valid',
    severity: (x) => (sentEvidence(x)!.silent ? 'error' : 'warning'),
    ...(v === 'expired' ? TEXT.expired : TEXT.notYetValid),
    cites: "the leaf's validity window against the connection's start time; no server alert; how the server went on or closed",
    appliesWhen: (x) => {
      const s = sentEvidence(x);
      return noAlert(s) && s.validity === v;
    },
    evaluate: (x) => {
      const s = sentEvidence(x)!;
      const { leaf, silent } = s;
      const m = x.m;
      return {
        summary:
          v === 'expired'
            ? `The client certificate ${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime}).`
            : `The client certificate ${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime}).`,
        evidence: [!silent && 'No alert was seen; a server that verifies certificates rejects it.', s.silentText.trim(), s.wentOn.trim()],
        evidenceFrames: silent ? frames(s.clientCert.frame, x.acceptance.serverClose?.frame) : [s.clientCert.frame],
      };
    },
  });
}

const wrongCaNoAlert = rule({
  name: 'wrong-ca-no-alert',
  code: 'client-cert-wrong-ca',
  severity: (x) => (sentEvidence(x)!.silent ? 'error' : 'warning'),
  ...TEXT.wrongCa,
  cites: "the leaf's issuer (and its chain) against the certificate_authorities of the CertificateRequest; no server alert; how the server went on or closed",
  appliesWhen: (x) => {
    const s = sentEvidence(x);
    return noAlert(s) && !s.validity && s.issuerListed === false;
  },
  evaluate: (x) => {
    const s = sentEvidence(x)!;
    const acc = x.acceptance;
    return {
      summary: s.silent
        ? `The server closed the connection without an alert right after the client sent a certificate issued by ${s.leaf.issuer}, which is not among the CAs it accepts.`
        : `The client sent a certificate issued by ${s.leaf.issuer}, which is not among the CAs the server accepts.`,
      evidence: [
        s.caNote.trim(),
        (s.silent ? s.silentText : s.wentOn || ' No alert was seen — some servers (Node, nginx) close the connection or answer at the HTTP level instead.').trim(),
      ],
      evidenceFrames: frames(x.certRequest?.frame, s.clientCert.frame, ...(s.silent ? acc.frames : [acc.serverClose?.frame])),
    };
  },
});

const badUsage = rule({
  name: 'bad-usage',
  code: 'client-cert-bad-usage',
  severity: 'warning',
  ...TEXT.badUsage,
  cites: "the leaf's extendedKeyUsage and keyUsage",
  // after the ranking rules: a bad-usage rejection already says it
  appliesWhen: (x) => (sentEvidence(x)?.usage.length ?? 0) > 0 && !x.has('client-cert-bad-usage'),
  evaluate: (x) => {
    const s = sentEvidence(x)!;
    return {
      summary: `The client certificate ${s.leaf.subject} is not fit for client authentication: ${s.usage.join('; ')}.`,
      evidenceFrames: [s.clientCert.frame],
    };
  },
});

/** --ca given: the chain does not verify (missing intermediate: unknown-ca; no path to a --ca CA: wrong-ca). */
function chainRule(code: 'client-cert-unknown-ca' | 'client-cert-wrong-ca'): AnyRule {
  return rule({
    name: code === 'client-cert-unknown-ca' ? 'ca-bundle:missing-intermediate' : 'ca-bundle:untrusted',
    code,
    severity: 'warning',
    ...(code === 'client-cert-unknown-ca' ? TEXT.unknownCa : TEXT.wrongCa),
    cites: 'the client chain verified offline against the --ca bundle',
    // after every rule above: a CA diagnosis (or non-enforcement) already covers the chain
    appliesWhen: (x) => {
      const d = sentEvidence(x)?.chain.diagnosis;
      return d?.code === code && !x.has('client-cert-unknown-ca') && !x.has('client-cert-wrong-ca') && !x.has('client-cert-not-enforced');
    },
    evaluate: (x) => {
      const s = sentEvidence(x)!;
      return { ...s.chain.diagnosis!, evidenceFrames: [s.clientCert.frame] };
    },
  });
}

/** In this order: an accepted-but-should-not-be, else a rejection alert's causes, else the silent or
 * visible problems; then usage and the --ca chain unless an earlier diagnosis said it. */
export const CLIENT_CERT_SENT_RULES: readonly AnyRule[] = [
  notEnforced,
  primaryCause('key-mismatch', 'client-cert-key-mismatch'),
  primaryCause('expired', 'client-cert-expired'),
  primaryCause('not-yet-valid', 'client-cert-not-yet-valid'),
  primaryCause('bad-usage', 'client-cert-bad-usage'),
  primaryCause('unknown-ca', 'client-cert-unknown-ca'),
  primaryCause('unknown-ca', 'client-cert-wrong-ca'),
  primaryCause('wrong-ca', 'client-cert-wrong-ca'),
  alsoCause('key-mismatch', 'client-cert-key-mismatch'),
  alsoCause('wrong-ca', 'client-cert-wrong-ca'),
  alsoCause('expired', 'client-cert-expired'),
  alsoCause('not-yet-valid', 'client-cert-not-yet-valid'),
  validityRule('expired'),
  validityRule('not-yet-valid'),
  wrongCaNoAlert,
  badUsage,
  chainRule('client-cert-unknown-ca'),
  chainRule('client-cert-wrong-ca'),
];
