/**
 * Diagnosis rules: from a connection model to root causes with evidence frames, the RFC reason and
 * a concrete fix. Every rule says which evidence it rests on (an alert is not the only evidence:
 * many stacks close without one — see FIELD-NOTES).
 */
import type { TlsFacts } from '../tls/events.js';
import type { ConnectionModel, DiagnosisModel, EventModel } from './model.js';
import { FIX } from './fixes.js';
import { alertMeaning } from './names.js';
import type { CertContext } from './certificates.js';
import type { Tls13Inference } from './infer-tls13.js';
import { malformedDiagnoses, unparseable } from './malformed.js';
import { applyAppLayer } from './app-layer.js';
import { settleVisibility } from './diagnose-visibility.js';
import { clientAbort, serverAcceptance, type Acceptance } from './acceptance.js';
import { after, alertSentence, sentCertificateDiagnoses, who } from './diagnose-client-cert.js';

export { usageIssues } from './diagnose-client-cert.js';

const SERVER_CERT_REJECT = new Set([42, 43, 44, 45, 46, 48, 49]);

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
  const accepted = cc.acceptedAuthorities ?? [];
  // accepted or rejected silently: one rule for every stack (./acceptance.ts)
  const acc = serverAcceptance(m, inf);

  // --- the server rejected (or did not enforce) the client's certificate ---
  // a leaf that is not X.509 proves nothing about CA, validity or usage (malformed.ts says what it is)
  if (cc.status === 'sent' && clientCert && !unparseable(cc.chain?.[0])) {
    const r = sentCertificateDiagnoses({ m, ctx, clientCert, cr, clientCv, fatal, acc });
    out.push(...r.out);
    for (const a of r.explained) explained.add(a);
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
  const abort = clientReject ? null : clientAbort(m);
  if (abort) out.push(clientAbortDiagnosis(m, abort, serverCert));

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

  // --- QUIC Version Negotiation: this attempt ends there by design (RFC 9000 §6) ---
  const vn = facts.quic?.versionNegotiation;
  if (vn && !facts.serverRandom) {
    out.push({
      code: 'quic-version-negotiation',
      severity: 'info',
      summary: `The server does not speak the client's QUIC version (${facts.quic!.versionName}): it answered with Version Negotiation in frame ${vn.frame}, offering ${vn.versions.map((v) => `0x${v.toString(16).padStart(8, '0')}`).join(', ')}.`,
      explanation: 'RFC 9000 §6: a client that gets Version Negotiation starts a new connection with a version the server offers (often from a new UDP port: a new udp.stream). This attempt carries no handshake beyond the ClientHello.',
      fix: 'Nothing, if the client retried with an offered version (look for the next QUIC connection to the same server); otherwise configure a version both sides support.',
      evidenceFrames: [vn.frame],
    });
  }

  // --- incomplete, no alert ---
  if (!(vn && !facts.serverRandom) && m.established === false && m.alerts.length === 0 && !inf?.alertEvent && !abort && !out.some((d) => d.severity === 'error')) {
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

  if (inf) out.push(...inferredDiagnoses(m, inf, acc));
  out.push(...malformedDiagnoses(m));

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
  applyAppLayer(m, out); // decrypted HTTP rejections (nginx 400): ./app-layer.ts
  settleVisibility(out, m, facts, inf);
  for (const d of out) d.evidenceFrames = [...new Set(d.evidenceFrames)].sort((a, b) => a - b);
  return out;
}

function serverDone(ev: EventModel[]): boolean {
  return ev.some((e) => e.direction === 'server->client' && (e.type === 'ServerHelloDone' || e.type === 'Finished'));
}

/** Diagnoses resting on the TLS 1.3 size inference: always marked inferred, never stated as fact. */
function inferredDiagnoses(m: ConnectionModel, inf: Tls13Inference, acc: Acceptance): DiagnosisModel[] {
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
  } else if (inf.clientCert === 'sent' && cert && !alert && acc.verdict === 'rejected-silently') {
    out.push({
      code: 'client-cert-rejected',
      severity: 'warning',
      summary: `INFERRED: the server sent nothing after the client's certificate and closed (${acc.serverClose?.how ?? 'no close seen'}) — most likely it rejected the certificate without an alert.`,
      explanation:
        `From encrypted record sizes (no keys): ${why}. No application data and no alert came from the server after the client's flight; ` +
        'Node.js servers (requestCert + rejectUnauthorized) reject client certificates exactly like this in TLS 1.3, where the handshake already looks complete. Give the key log to confirm.',
      fix: `${FIX.noKeys} Then compare the client certificate's issuer with the CAs the server accepts.`,
      evidenceFrames: [cert.frame, ...closeFrames(m)].filter((f) => f > 0),
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

function closeFrames(m: ConnectionModel): number[] {
  return [m.tcp.finFrames?.[1] ?? 0, m.tcp.rstFrames?.[1] ?? 0].filter((f) => f > 0);
}

/** The client closed right after the server's flight without an alert or data (./acceptance.ts). */
function clientAbortDiagnosis(m: ConnectionModel, ab: NonNullable<ReturnType<typeof clientAbort>>, serverCert?: EventModel): DiagnosisModel {
  const chain = (serverCert?.certificates ?? []).map((c) => `${c.subject} (issuer ${c.issuer})`).join(' <- ');
  return {
    code: 'server-cert-rejected-silently',
    severity: 'warning',
    summary: `INFERRED: the client aborted after the server's certificate — it closed the connection (${ab.how} in frame ${ab.frame}) without an alert and without sending any data; most likely it rejected the server's certificate.`,
    explanation:
      `Evidence: ${ab.evidence}. A client that rejects the server's certificate should send a fatal alert (RFC 8446 §6.2 / RFC 5246 §7.2.2: bad_certificate, unknown_ca, certificate_expired); ` +
      'Node.js clients (tls.connect with rejectUnauthorized, the default) send none and just close' +
      (ab.abandonedHandshake ? ', in TLS 1.3 before their own Finished' : ', in TLS 1.2 after completing the handshake') +
      `. It may also be a client that only probes the port. ${chain ? `Server chain: ${chain}.` : "The server's certificate is encrypted (TLS 1.3): give the key log (--keylog) to see it."}` +
      (m.clientCertificate.status === 'sent' ? " The client's own certificate was sent; it is not the problem here." : '') +
      lateAlerts(m, ab.frame),
    fix: `${FIX.serverRejected} The client's error log names the reason (Node: SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID).`,
    evidenceFrames: [serverCert?.frame ?? 0, ab.afterFrame, ab.frame].filter((f) => f > 0),
    inferred: true,
  };
}

/** Server alerts after the client's close: its reaction to the abort (OpenSSL answers an unexpected EOF with decode_error). */
function lateAlerts(m: ConnectionModel, closeFrame: number): string {
  const late = m.alerts.filter((a) => a.direction === 'server->client' && a.frame > closeFrame && a.code !== undefined && a.code !== 0);
  return late.length > 0
    ? ` The server's ${late.map((a) => `${a.description} (${a.code}) in frame ${a.frame}`).join(', ')} came after the client had closed: its reaction to the abort (OpenSSL answers an unexpected end of the handshake with decode_error), not the cause.`
    : '';
}
