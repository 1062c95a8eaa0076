/**
 * Diagnosis rules: from a connection model to root causes with evidence frames, the RFC reason and
 * a concrete fix. Every rule says which evidence it rests on (an alert is not the only evidence:
 * many stacks close without one — see FIELD-NOTES).
 */
import type { TlsFacts } from '../tls/events.js';
import type { CertificateModel, ConnectionModel, DiagnosisModel, EventModel } from './model.js';
import { FIX } from './fixes.js';
import { alertMeaning } from './names.js';
import { dnKeyOfString, type CertContext } from './certificates.js';
import { chainProblems } from './chain-check.js';
import type { Tls13Inference } from './infer-tls13.js';
import { rankClientCertCauses, validityOf } from './cause-ranking.js';

const SERVER_CERT_REJECT = new Set([42, 43, 44, 45, 46, 48, 49]);

function who(e: EventModel): 'client' | 'server' {
  return e.direction === 'client->server' ? 'client' : 'server';
}

function after(events: EventModel[], ref: EventModel | undefined): EventModel[] {
  if (!ref) return [];
  const i = events.indexOf(ref);
  return i < 0 ? [] : events.slice(i + 1);
}

function alertSentence(a: EventModel, aboutWhose: string): string {
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

export function diagnose(m: ConnectionModel, facts: TlsFacts, ctx: CertContext, inf?: Tls13Inference): DiagnosisModel[] {
  const out: DiagnosisModel[] = [];
  const ev = m.events;
  const cc = m.clientCertificate;
  const cr = ev.find((e) => e.type === 'CertificateRequest' && e.direction === 'server->client');
  const clientCert = ev.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
  const serverCert = ev.find((e) => e.type === 'Certificate' && e.direction === 'server->client' && e.kind === 'handshake');
  const clientCv = ev.find((e) => e.type === 'CertificateVerify' && e.direction === 'client->server');
  const fatal = m.alerts.filter((a) => a.level === 'fatal' || (a.code !== undefined && a.code !== 0 && a.code !== 90 && a.code !== 100 && a.code !== 112));
  const explained = new Set<EventModel>();
  const leaf = cc.chain?.[0];
  const accepted = cc.acceptedAuthorities ?? [];
  // the chain is acceptable when any certificate in it is issued by (or is) a listed CA
  const listedKeys = new Set(accepted.map(dnKeyOfString));
  const issuerListed =
    leaf && accepted.length > 0
      ? (cc.chain ?? []).some((c) => listedKeys.has(dnKeyOfString(c.issuer)) || listedKeys.has(dnKeyOfString(c.subject)))
      : undefined;
  const silentClose = serverClosedSilently(m);
  const caNote =
    leaf && issuerListed === false
      ? ` Its issuer ${leaf.issuer} is not among the CAs the server listed in its CertificateRequest (${accepted.join('; ')}).`
      : '';

  // --- the server rejected the client's certificate ---
  const serverAlertsAfterClientCert = after(ev, clientCert).filter((e) => e.kind === 'alert' && who(e) === 'server' && fatal.includes(e));
  if (cc.status === 'sent' && leaf && clientCert) {
    const a = serverAlertsAfterClientCert[0];
    const validity = validityOf(leaf, m.startTime);
    const usage = usageIssues(leaf);
    const chain = chainProblems(cc.chain ?? [], ctx, m.startTime);
    const ranked = a
      ? rankClientCertCauses({
          leaf, alerts: serverAlertsAfterClientCert, at: clientCert.time, issuerListed, accepted, usage, chain,
          caGiven: (ctx.trusted?.length ?? 0) > 0, cv: cc.certificateVerify, cvHidden: facts.version === 0x0304 && !facts.decrypted,
          frames: { request: cr?.frame, certificate: clientCert.frame, verify: clientCv?.frame },
        })
      : null;
    if (ranked) {
      for (const e of ranked.explained) explained.add(e);
      out.push(...ranked.diagnoses);
    } else if (validity && !a) {
      out.push({
        code: validity === 'expired' ? 'client-cert-expired' : 'client-cert-not-yet-valid',
        severity: 'warning',
        summary:
          validity === 'expired'
            ? `The client certificate ${leaf.subject} expired on ${leaf.notAfter}, before this connection (${m.startTime}).`
            : `The client certificate ${leaf.subject} is valid only from ${leaf.notBefore}, after this connection (${m.startTime}).`,
        explanation:
          'Validity is checked at the capture time, not today. No alert was seen; a server that verifies certificates rejects it. ' +
          'RFC 5280 §4.1.2.5: a certificate is valid only between notBefore and notAfter; RFC 8446 §6.2 certificate_expired.',
        fix: validity === 'expired' ? FIX.expired : FIX.notYetValid,
        evidenceFrames: [clientCert!.frame],
      });
    } else if (!a && issuerListed === false) {
      out.push({
        code: 'client-cert-wrong-ca',
        severity: silentClose ? 'error' : 'warning',
        summary: silentClose
          ? `The server closed the connection without an alert right after the client sent a certificate issued by ${leaf.issuer}, which is not among the CAs it accepts.`
          : `The client sent a certificate issued by ${leaf.issuer}, which is not among the CAs the server accepts.`,
        explanation:
          `RFC 8446 §4.3.2 / RFC 5246 §7.4.4: certificate_authorities lists the CAs the server accepts; a certificate from another CA is normally rejected.${caNote}` +
          (silentClose
            ? ` Evidence: no alert, but the server sent no application data and closed (${silentClose}) — Node.js (requestCert + rejectUnauthorized) rejects client certificates this way.`
            : ' No alert was seen — some servers (Node, nginx) close the connection or answer at the HTTP level instead.'),
        fix: FIX.unknownCa,
        evidenceFrames: [cr?.frame, clientCert!.frame, ...closeFrames(m)].filter((x): x is number => x !== undefined && x > 0),
      });
    }
    if (usage.length > 0 && !out.some((d) => d.code === 'client-cert-bad-usage')) {
      out.push({
        code: 'client-cert-bad-usage',
        severity: 'warning',
        summary: `The client certificate ${leaf.subject} is not fit for client authentication: ${usage.join('; ')}.`,
        explanation: 'Servers that check key usage reject it with unsupported_certificate (43); OpenSSL does, GnuTLS does not check EKU.',
        fix: FIX.badUsage,
        evidenceFrames: [clientCert!.frame],
      });
    }
    if (chain.diagnosis && !out.some((d) => d.code === 'client-cert-unknown-ca' || d.code === 'client-cert-wrong-ca')) {
      out.push({ ...chain.diagnosis, evidenceFrames: [clientCert!.frame] });
    }
  }

  // --- no certificate from the client ---
  const requiredAlert = ev.find(
    (e) => e.kind === 'alert' && who(e) === 'server' && (e.code === 116 || (cc.status === 'empty' && (e.code === 40 || e.code === 50 || e.code === 42))),
  );
  if (cc.status === 'empty' && clientCert) {
    out.push({
      code: 'client-cert-empty',
      severity: requiredAlert ? 'error' : 'warning',
      summary: `The server asked for a client certificate and the client answered with an EMPTY Certificate message (frame ${clientCert!.frame}).`,
      explanation:
        'RFC 8446 §4.4.2 / RFC 5246 §7.4.6: a client with no suitable certificate sends a Certificate message with no certificates. ' +
        (accepted.length > 0
          ? `The server accepts certificates issued by: ${accepted.join('; ')}. Either the client has no certificate configured, or none issued by these CAs (clients filter by this list).`
          : 'The server named no CAs, so the client had no certificate configured at all.'),
      fix: FIX.emptyCert,
      evidenceFrames: [cr?.frame, clientCert!.frame].filter((x): x is number => x !== undefined),
    });
  }
  if (requiredAlert && (cc.status === 'empty' || cc.status === 'not-sent' || requiredAlert.code === 116)) {
    explained.add(requiredAlert);
    out.push({
      code: 'client-cert-required',
      severity: 'error',
      summary: `The server requires a client certificate and the client sent none: ${alertSentence(requiredAlert, '')}.`,
      explanation:
        requiredAlert.code === 116
          ? 'RFC 8446 §4.4.2.4: a server that requires client authentication aborts with certificate_required when the client sends an empty Certificate.'
          : `RFC 5246 §7.4.6: without client certificates the server MAY abort with a fatal handshake_failure alert; this server sent ${requiredAlert.description} (${requiredAlert.code}).`,
      fix: FIX.emptyCert,
      evidenceFrames: [cr?.frame, clientCert?.frame, requiredAlert.frame].filter((x): x is number => x !== undefined),
    });
  }

  // --- the client rejected the server ---
  const clientReject = after(ev, serverCert).find((e) => e.kind === 'alert' && who(e) === 'client' && SERVER_CERT_REJECT.has(e.code ?? -1));
  if (clientReject && serverCert) {
    explained.add(clientReject);
    const chainText = (serverCert.certificates ?? []).map((c) => `${c.subject} (issuer ${c.issuer})`).join(' <- ');
    out.push({
      code: 'server-cert-rejected',
      severity: 'error',
      summary: `The client rejected the server's certificate: ${alertSentence(clientReject, '')}.`,
      explanation: `${alertMeaning(clientReject.code ?? 0).text}. Server chain: ${chainText || '(empty)'}.`,
      fix: FIX.serverRejected,
      evidenceFrames: [serverCert.frame, clientReject.frame],
    });
  }

  // --- every other alert ---
  for (const a of m.alerts) {
    if (explained.has(a) || a.code === undefined || a.code === 0) continue;
    const meaning = alertMeaning(a.code);
    const isFatal = a.level === 'fatal';
    out.push({
      code: 'handshake-alert',
      severity: isFatal ? 'error' : a.code === 90 || a.code === 112 ? 'info' : 'warning',
      summary: `The ${who(a)} sent ${a.level ?? ''} alert ${a.description} (${a.code}) in frame ${a.frame}.`.replace('  ', ' '),
      explanation: meaning.text,
      fix: meaning.fix,
      evidenceFrames: [a.frame],
    });
  }

  // --- not requested (one-way TLS) ---
  if (cc.status === 'not-requested' && cc.requested === false && !m.resumed && (m.established || serverDone(ev))) {
    out.push({
      code: 'client-cert-not-requested',
      severity: 'info',
      summary: 'The server never sent a CertificateRequest: this is one-way TLS, no client certificate was involved.',
      explanation: 'RFC 8446 §4.3.2 / RFC 5246 §7.4.4: a client sends a certificate only when the server requests one.',
      fix: FIX.notRequested,
      evidenceFrames: ev.filter((e) => e.type === 'ServerHelloDone' || (e.type === 'Finished' && e.direction === 'server->client')).map((e) => e.frame).slice(0, 1),
    });
  }

  // --- incomplete, no alert ---
  if (m.established === false && m.alerts.length === 0 && !inf?.alertEvent && !out.some((d) => d.severity === 'error')) {
    const closer = m.tcp.rstFrames ? 'RST' : m.tcp.finFrames ? 'FIN' : 'end of capture';
    out.push({
      code: 'handshake-incomplete',
      severity: 'warning',
      summary: `The handshake did not complete and no alert was sent (${closer}).`,
      explanation: `Last TLS message: ${ev.length > 0 ? `${ev[ev.length - 1].type ?? ev[ev.length - 1].kind} from the ${who(ev[ev.length - 1])} in frame ${ev[ev.length - 1].frame}` : 'none'}.`,
      fix: FIX.incomplete,
      evidenceFrames: [...(m.tcp.finFrames ?? []), ...(m.tcp.rstFrames ?? [])].filter((f) => f > 0),
    });
  }

  if (inf) out.push(...inferredDiagnoses(m, inf));

  if (facts.version === 0x0304 && !facts.decrypted) {
    out.push({
      code: 'encrypted-no-keys',
      severity: 'info',
      summary: facts.keyProblem
        ? `Key-log secrets exist for this connection but do not decrypt it: ${facts.keyProblem}.`
        : 'TLS 1.3 encrypts the CertificateRequest, the client Certificate and the alerts; no key-log secrets were given for this connection.',
      explanation:
        'Without the handshake traffic secrets only record sizes and order are visible; conclusions drawn from them are marked inferred.' +
        (inf && inf.reasons.length > 0 ? ` Inferred: ${inf.reasons.join('; ')}.` : '') +
        (facts.missingSecrets && facts.missingSecrets.length > 0 ? ` Missing from the key log: ${facts.missingSecrets.join(', ')}.` : ''),
      fix: FIX.noKeys,
      evidenceFrames: [],
    });
  }

  if (facts.gaps && facts.gaps.length > 0) {
    const g = facts.gaps[0];
    out.push({
      code: 'capture-gap',
      severity: 'warning',
      summary: `${facts.gaps.length} capture gap(s): ${g.length} bytes missing at stream offset ${g.streamOffset}; part of the TLS exchange may be hidden.`,
      explanation: 'The capture lost packets (or started mid-connection); records spanning the gap could not be decoded.',
      fix: FIX.gap,
      evidenceFrames: g.frames.slice(0, 2),
    });
  }
  for (const d of out) d.evidenceFrames = [...new Set(d.evidenceFrames)].sort((a, b) => a - b);
  return out;
}

function serverDone(ev: EventModel[]): boolean {
  return ev.some((e) => e.direction === 'server->client' && (e.type === 'ServerHelloDone' || e.type === 'Finished'));
}

/** Diagnoses resting on the TLS 1.3 size inference: always marked inferred, never stated as fact. */
function inferredDiagnoses(m: ConnectionModel, inf: Tls13Inference): DiagnosisModel[] {
  const out: DiagnosisModel[] = [];
  const cert = inf.certEvent;
  const alert = inf.alertEvent;
  const why = inf.reasons.join('; ');
  if (inf.clientCert === 'empty' && cert) {
    out.push({
      code: alert ? 'client-cert-required' : 'client-cert-empty',
      severity: alert ? 'error' : 'warning',
      summary: alert
        ? `INFERRED: the client sent an EMPTY Certificate and the server closed with an encrypted alert — most likely certificate_required (116).`
        : `INFERRED: the client answered the server's CertificateRequest with an EMPTY Certificate.`,
      explanation: `From encrypted record sizes (no keys): ${why}. RFC 8446 §4.4.2.4: a server requiring client authentication aborts with certificate_required when the client sends no certificate. Give the key log to confirm.`,
      fix: FIX.emptyCert,
      evidenceFrames: [cert.frame, ...(alert ? [alert.frame] : [])],
      inferred: true,
    });
  } else if (inf.clientCert === 'sent' && cert && !alert && !inf.continued && serverClosedSilently(m)) {
    out.push({
      code: 'client-cert-rejected',
      severity: 'warning',
      summary: `INFERRED: the server sent nothing after the client's certificate and closed (${serverClosedSilently(m)}) — most likely it rejected the certificate without an alert.`,
      explanation:
        `From encrypted record sizes (no keys): ${why}. No application data and no alert came from the server after the client's flight; ` +
        'Node.js servers (requestCert + rejectUnauthorized) reject client certificates exactly like this in TLS 1.3, where the handshake already looks complete. Give the key log to confirm.',
      fix: `${FIX.noKeys} Then compare the client certificate's issuer with the CAs the server accepts.`,
      evidenceFrames: [cert.frame, ...closeFrames(m)],
      inferred: true,
    });
  } else if (inf.clientCert === 'sent' && cert && alert) {
    out.push({
      code: 'client-cert-rejected',
      severity: 'error',
      summary: 'INFERRED: the server rejected the client\'s certificate — it answered the client\'s Certificate/CertificateVerify/Finished with an encrypted alert and closed.',
      explanation:
        `From encrypted record sizes (no keys): ${why}. Which alert (unknown_ca, bad_certificate, certificate_expired, decrypt_error ...) and which certificate are hidden by TLS 1.3 encryption; ` +
        'give the key log (--keylog) to see them. It is the server rejecting the client, not a local failure.',
      fix: `${FIX.noKeys} Then compare the client certificate's issuer with the CAs the server accepts.`,
      evidenceFrames: [cert.frame, alert.frame],
      inferred: true,
    });
  }
  return out;
}

/** The server closed (FIN/RST) without sending any application data: a silent rejection. */
function serverClosedSilently(m: ConnectionModel): string | null {
  if ((m.applicationData?.serverToClient.records ?? 0) > 0) return null;
  const fin = m.tcp.finFrames?.[1] ?? 0;
  const rst = m.tcp.rstFrames?.[1] ?? 0;
  if (rst > 0) return `RST in frame ${rst}`;
  if (fin > 0) return `FIN in frame ${fin}`;
  return null;
}

function closeFrames(m: ConnectionModel): number[] {
  return [m.tcp.finFrames?.[1] ?? 0, m.tcp.rstFrames?.[1] ?? 0].filter((f) => f > 0);
}
