/**
 * Diagnoses for a client certificate that was sent: the server rejected it (by alert, or silently —
 * the acceptance rule in ./acceptance.ts decides), or accepted one it cannot have verified
 * (client-cert-not-enforced), plus usage and --ca chain warnings. Called by ./diagnose.ts.
 */
import type { CertificateModel, ConnectionModel, DiagnosisModel, EventModel } from './model.js';
import { FIX } from './fixes.js';
import { alertMeaning } from './names.js';
import { dnKeyOfString, type CertContext } from './certificates.js';
import { chainProblems } from './chain-check.js';
import type { Acceptance } from './acceptance.js';

const CLIENT_CERT_REJECT = new Set([42, 46, 49]);

export function who(e: EventModel): 'client' | 'server' {
  return e.direction === 'client->server' ? 'client' : 'server';
}

export function after(events: EventModel[], ref: EventModel | undefined): EventModel[] {
  if (!ref) return [];
  const i = events.indexOf(ref);
  return i < 0 ? [] : events.slice(i + 1);
}

export function alertSentence(a: EventModel, aboutWhose: string): string {
  return `the ${who(a)} sent alert ${a.description} (${a.code}) in frame ${a.frame}${a.visibility === 'decrypted' ? ' (decrypted)' : ''}${aboutWhose}`;
}

function validityProblem(cert: CertificateModel, atIso: string): 'expired' | 'not-yet-valid' | null {
  const t = Date.parse(atIso);
  if (Number.isNaN(t)) return null;
  if (Date.parse(cert.notAfter) < t) return 'expired';
  if (Date.parse(cert.notBefore) > t) return 'not-yet-valid';
  return null;
}

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

export interface SentCertInput {
  m: ConnectionModel;
  ctx: CertContext;
  clientCert: EventModel;
  cr?: EventModel;
  clientCv?: EventModel;
  /** Fatal alerts of the connection. */
  fatal: EventModel[];
  acc: Acceptance;
}

/** What the acceptance evidence says, for explanations. */
function accText(acc: Acceptance): string {
  return acc.evidence.length > 0 ? acc.evidence.join('; ') : 'nothing decisive';
}

export function sentCertificateDiagnoses(inp: SentCertInput): { out: DiagnosisModel[]; explained: EventModel[] } {
  const { m, ctx, clientCert, cr, clientCv, fatal, acc } = inp;
  const out: DiagnosisModel[] = [];
  const explained: EventModel[] = [];
  const cc = m.clientCertificate;
  const leaf = cc.chain?.[0];
  if (!leaf) return { out, explained };
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
  const a = after(m.events, clientCert).filter((e) => e.kind === 'alert' && who(e) === 'server' && fatal.includes(e))[0];
  const validity = validityProblem(leaf, m.startTime);
  const usage = usageIssues(leaf);
  const chain = chainProblems(cc.chain ?? [], ctx, m.startTime);
  const silent = !a && acc.verdict === 'rejected-silently';
  // "not enforced" needs the acceptance as a fact: with the data decrypted or the handshake visible
  const notEnforced = !a && acc.verdict === 'accepted' && !acc.inferred && m.decrypted === true;
  const wentOn = !a && acc.continued && acc.verdict !== 'rejected-silently'
    ? ` The server did not reject it during the handshake (${accText(acc)}): either it does not enforce client verification, or it rejects at the application layer (nginx answers HTTP 400 inside TLS) — give the key log (--keylog) to see the first response.`
    : '';
  const silentText = silent
    ? ` Evidence: no alert, but ${accText(acc)} — Node.js (requestCert + rejectUnauthorized) rejects client certificates this way.`
    : '';
  const frames = (...f: Array<number | undefined>): number[] => f.filter((x): x is number => x !== undefined && x > 0);

  const problem = (): string | null => {
    if (validity === 'expired') return `${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime})`;
    if (validity === 'not-yet-valid') return `${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime})`;
    if (issuerListed === false) return `${leaf.subject} is issued by ${leaf.issuer}, which is not among the CAs in the server's CertificateRequest (${accepted.join('; ')})`;
    // --ca speaks only when the server named no CAs: a listed issuer means the server trusts other CAs than --ca
    if (chain.diagnosis && issuerListed === undefined) return `${leaf.subject} does not verify against the given --ca bundle:${chain.text}`;
    return null;
  };
  const p = notEnforced ? problem() : null;
  if (p) {
    const how = acc.servedDecrypted ? 'and served application data' : 'and went on with the session';
    out.push({
      code: 'client-cert-not-enforced',
      severity: 'warning',
      summary: `The server accepted a client certificate it should have refused ${how}: ${p}. It does not appear to enforce client-certificate verification.`,
      explanation:
        `No alert, and ${accText(acc)}. A server that requires client authentication aborts the handshake when the certificate does not verify ` +
        '(RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6: bad_certificate, unknown_ca, certificate_expired); this one requested a certificate but ignores the verification result, ' +
        'so any client with any certificate gets in (OpenSSL s_server -Verify without -verify_return_error, nginx ssl_verify_client optional_no_ca, Go RequireAnyClientCert, Node requestCert without rejectUnauthorized).' +
        (validity ? '' : ' (A server may trust more CAs than its CertificateRequest names; if the issuer is one of them, the acceptance is intended.)') +
        (acc.servedDecrypted ? '' : ' If the application rejects it instead (nginx answers HTTP 400 inside TLS), its first response shows that.'),
      fix: `${FIX.notEnforced} Then give the client a valid certificate: ${validity ? (validity === 'expired' ? FIX.expired : FIX.notYetValid) : FIX.unknownCa}`,
      evidenceFrames: frames(cr?.frame, clientCert.frame, ...acc.frames),
    });
  } else if (a && a.code === 51 && clientCv) {
    explained.push(a);
    out.push({
      code: 'client-cert-key-mismatch',
      severity: 'error',
      summary: `The server could not verify the client's CertificateVerify signature: ${alertSentence(a, '')}.`,
      explanation:
        'CertificateVerify is signed with the client\'s private key over the handshake transcript (RFC 8446 §4.4.3, RFC 5246 §7.4.8); ' +
        'decrypt_error means the signature did not verify with the public key in the client certificate — the key does not match the certificate, ' +
        'or the signature scheme is not acceptable (RFC 8446 §6.2).',
      fix: FIX.keyMismatch,
      evidenceFrames: [clientCert.frame, clientCv.frame, a.frame],
    });
  } else if (validity && (!a || a.code === 45 || a.code === 42 || a.code === 46)) {
    if (a) explained.push(a);
    out.push({
      code: validity === 'expired' ? 'client-cert-expired' : 'client-cert-not-yet-valid',
      severity: a || silent ? 'error' : 'warning',
      summary:
        validity === 'expired'
          ? `The client certificate ${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime}).`
          : `The client certificate ${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime}).`,
      explanation:
        `Validity is checked at the capture time, not today. ${a ? `${alertSentence(a, ' about the client\'s certificate')}. ` : silent ? '' : 'No alert was seen; a server that verifies certificates rejects it. '}` +
        `RFC 5280 §4.1.2.5: a certificate is valid only between notBefore and notAfter; RFC 8446 §6.2 certificate_expired.${silentText}${wentOn}`,
      fix: validity === 'expired' ? FIX.expired : FIX.notYetValid,
      evidenceFrames: a ? [clientCert.frame, a.frame] : silent ? frames(clientCert.frame, acc.serverClose?.frame) : [clientCert.frame],
    });
  } else if (a && a.code === 48) {
    explained.push(a);
    out.push({
      code: 'client-cert-unknown-ca',
      severity: 'error',
      summary: `The server rejected the client's certificate (${leaf.subject}, issued by ${leaf.issuer}): unknown_ca.`,
      explanation:
        `${alertSentence(a, ' about the client\'s certificate')}: the server could not build a path from the client's certificate to a CA it trusts ` +
        `(RFC 8446 §6.2 / RFC 5246 §7.2.2 unknown_ca). It is the server rejecting the client, not a local failure.${caNote}${chain.text}`,
      fix: FIX.unknownCa,
      evidenceFrames: frames(cr?.frame, clientCert.frame, a.frame),
    });
  } else if (a && a.code === 43 && usage.length > 0) {
    explained.push(a);
    out.push({
      code: 'client-cert-bad-usage',
      severity: 'error',
      summary: `The server refused the client certificate ${leaf.subject} for client authentication: ${usage.join('; ')}.`,
      explanation: `${alertSentence(a, ' about the client\'s certificate')} (unsupported_certificate, RFC 8446 §6.2).`,
      fix: FIX.badUsage,
      evidenceFrames: [clientCert.frame, a.frame],
    });
  } else if (a && CLIENT_CERT_REJECT.has(a.code ?? -1)) {
    explained.push(a);
    out.push({
      code: issuerListed === false ? 'client-cert-wrong-ca' : 'client-cert-unknown-ca',
      severity: 'error',
      summary: `The server rejected the client's certificate (${leaf.subject}, issued by ${leaf.issuer}): ${a.description}.`,
      explanation:
        `${alertSentence(a, ' about the client\'s certificate')} (${alertMeaning(a.code ?? 0).text}).${caNote}${chain.text}` +
        ' GnuTLS servers send access_denied then bad_certificate for an untrusted client certificate.',
      fix: FIX.unknownCa,
      evidenceFrames: frames(cr?.frame, clientCert.frame, a.frame),
    });
  } else if (!a && issuerListed === false) {
    out.push({
      code: 'client-cert-wrong-ca',
      severity: silent ? 'error' : 'warning',
      summary: silent
        ? `The server closed the connection without an alert right after the client sent a certificate issued by ${leaf.issuer}, which is not among the CAs it accepts.`
        : `The client sent a certificate issued by ${leaf.issuer}, which is not among the CAs the server accepts.`,
      explanation:
        `RFC 8446 §4.3.2 / RFC 5246 §7.4.4: certificate_authorities lists the CAs the server accepts; a certificate from another CA is normally rejected.${caNote}` +
        (silent ? silentText : wentOn || ' No alert was seen — some servers (Node, nginx) close the connection or answer at the HTTP level instead.'),
      fix: FIX.unknownCa,
      evidenceFrames: frames(cr?.frame, clientCert.frame, ...(silent ? acc.frames : [acc.serverClose?.frame])),
    });
  }
  if (usage.length > 0 && !out.some((d) => d.code === 'client-cert-bad-usage')) {
    out.push({
      code: 'client-cert-bad-usage',
      severity: 'warning',
      summary: `The client certificate ${leaf.subject} is not fit for client authentication: ${usage.join('; ')}.`,
      explanation: 'Servers that check key usage reject it with unsupported_certificate (43); OpenSSL does, GnuTLS does not check EKU.',
      fix: FIX.badUsage,
      evidenceFrames: [clientCert.frame],
    });
  }
  if (chain.diagnosis && !out.some((d) => d.code === 'client-cert-unknown-ca' || d.code === 'client-cert-wrong-ca' || d.code === 'client-cert-not-enforced')) {
    out.push({ ...chain.diagnosis, evidenceFrames: [clientCert.frame] });
  }
  return { out, explained };
}
