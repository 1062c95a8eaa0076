/**
 * Diagnoses for a client certificate that was sent: the server rejected it (by alert, or silently —
 * the acceptance rule in ./acceptance.ts decides), or accepted one it cannot have verified
 * (client-cert-not-enforced), plus usage and --ca chain warnings. Called by ./diagnose.ts.
 */
import type { CertificateModel, ConnectionModel, DiagnosisModel, EventModel } from './model.js';
import { FIX } from './fixes.js';
import { dnKeyOfString, type CertContext } from './certificates.js';
import { chainProblems } from './chain-check.js';
import type { Acceptance } from './acceptance.js';
import { rankClientCertCauses, validityOf } from './cause-ranking.js';


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
  const validity = validityOf(leaf, m.startTime);
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
  } else if (a) {
    // a rejection alert: the cause is ranked by what the capture proves (./cause-ranking.ts)
    const alerts = after(m.events, clientCert).filter((e) => e.kind === 'alert' && who(e) === 'server' && fatal.includes(e));
    const ranked = rankClientCertCauses({
      leaf, alerts, at: clientCert.time, issuerListed, accepted, usage, chain,
      caGiven: (ctx.trusted?.length ?? 0) > 0, cv: cc.certificateVerify, cvHidden: m.version === 'TLS 1.3' && m.decrypted !== true,
      frames: { request: cr?.frame, certificate: clientCert.frame, verify: clientCv?.frame },
    });
    if (ranked) {
      explained.push(...ranked.explained);
      out.push(...ranked.diagnoses);
    }
  } else if (validity) {
    out.push({
      code: validity === 'expired' ? 'client-cert-expired' : 'client-cert-not-yet-valid',
      severity: silent ? 'error' : 'warning',
      summary:
        validity === 'expired'
          ? `The client certificate ${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime}).`
          : `The client certificate ${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime}).`,
      explanation:
        `Validity is checked at the capture time, not today. ${silent ? '' : 'No alert was seen; a server that verifies certificates rejects it. '}` +
        `RFC 5280 §4.1.2.5: a certificate is valid only between notBefore and notAfter; RFC 8446 §6.2 certificate_expired.${silentText}${wentOn}`,
      fix: validity === 'expired' ? FIX.expired : FIX.notYetValid,
      evidenceFrames: silent ? frames(clientCert.frame, acc.serverClose?.frame) : [clientCert.frame],
    });
  } else if (issuerListed === false) {
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
