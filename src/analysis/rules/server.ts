/**
 * Rules about the server's side and the handshake as a whole: the client rejected the server's
 * certificate (by alert, or by closing silently), every other alert, QUIC Version Negotiation,
 * and a handshake that stopped without an alert.
 */
import type { EventModel } from '../model.js';
import { FIX } from '../fixes.js';
import { alertMeaning } from '../names.js';
import { AlertDescription as AD } from '../../tls/registry/index.js';
import { alertSentence, who, rule, type AnyRule, type RuleContext } from './types.js';

function chainText(serverCert: EventModel | undefined): string {
  return (serverCert?.certificates ?? []).map((c) => `${c.subject} (issuer ${c.issuer})`).join(' <- ');
}

const serverRejected = rule({
  name: 'server-cert-rejected',
  code: 'server-cert-rejected',
  severity: 'error',
  rfc: 'RFC 8446 §6.2 / RFC 5246 §7.2.2',
  explanation:
    "The client does not accept the server's certificate chain and said so with an alert (RFC 8446 §6.2 / RFC 5246 §7.2.2): unknown_ca (no path to a CA it trusts), " +
    'bad_certificate, certificate_expired, certificate_unknown ... It is the client rejecting the server, not the server rejecting the client: check the server chain and the CAs the client trusts.',
  fix: FIX.serverRejected,
  cites: "the client's certificate alert (bad_certificate ... access_denied) after the server's Certificate; the server chain",
  appliesWhen: (x) => x.clientRejectAlert !== undefined && x.serverCert !== undefined,
  explains: (x) => [x.clientRejectAlert!],
  evaluate: (x) => {
    const a = x.clientRejectAlert!;
    const serverCert = x.serverCert!;
    return {
      summary: `The client rejected the server's certificate: ${alertSentence(a, '')}.`,
      evidence: [`${alertMeaning(a.code ?? 0).text}.`, `Server chain: ${chainText(serverCert) || '(empty)'}.`],
      evidenceFrames: [serverCert.frame, a.frame],
    };
  },
});

/** Server alerts after the client's close: its reaction to the abort (OpenSSL answers an unexpected EOF with decode_error). */
function lateAlerts(x: RuleContext, closeFrame: number): string {
  const late = x.m.alerts.filter((a) => a.direction === 'server->client' && a.frame > closeFrame && a.code !== undefined && a.code !== AD.close_notify);
  return late.length > 0
    ? ` The server's ${late.map((a) => `${a.description} (${a.code}) in frame ${a.frame}`).join(', ')} came after the client had closed: its reaction to the abort (OpenSSL answers an unexpected end of the handshake with decode_error), not the cause.`
    : '';
}

const serverRejectedSilently = rule({
  name: 'server-cert-rejected-silently',
  code: 'server-cert-rejected-silently',
  severity: 'warning',
  rfc: 'RFC 8446 §6.2 / RFC 5246 §7.2.2',
  explanation:
    "A client that rejects the server's certificate should send a fatal alert (RFC 8446 §6.2 / RFC 5246 §7.2.2: bad_certificate, unknown_ca, certificate_expired); " +
    'Node.js clients (tls.connect with rejectUnauthorized, the default) send none and just close — in TLS 1.3 before their own Finished, in TLS 1.2 right after completing the handshake. ' +
    'It may also be a client that only probes the port.',
  fix: `${FIX.serverRejected} The client's error log names the reason (Node: SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID).`,
  cites: "the client's FIN/RST right after the server's flight, without an alert, close_notify or data (../acceptance.ts clientAbort)",
  inferred: true,
  appliesWhen: (x) => x.clientAbort !== null,
  evaluate: (x) => {
    const ab = x.clientAbort!;
    const serverCert = x.serverCert;
    const chain = chainText(serverCert);
    return {
      summary: `INFERRED: the client aborted after the server's certificate — it closed the connection (${ab.how} in frame ${ab.frame}) without an alert and without sending any data; most likely it rejected the server's certificate.`,
      evidence: [
        `${ab.evidence.charAt(0).toUpperCase()}${ab.evidence.slice(1)}.`,
        ab.abandonedHandshake ? 'TLS 1.3: the client closed before its own Finished.' : 'TLS 1.2: the client closed after completing the handshake.',
        chain ? `Server chain: ${chain}.` : "The server's certificate is encrypted (TLS 1.3): give the key log (--keylog) to see it.",
        x.m.clientCertificate.status === 'sent' && "The client's own certificate was sent; it is not the problem here.",
        lateAlerts(x, ab.frame).trim(),
      ],
      evidenceFrames: [serverCert?.frame ?? 0, ab.afterFrame, ab.frame].filter((f) => f > 0),
    };
  },
});

const handshakeAlert = rule<EventModel>({
  name: 'handshake-alert',
  code: 'handshake-alert',
  severity: (_x, a) => (a.level === 'fatal' ? 'error' : a.code === AD.user_canceled || a.code === AD.unrecognized_name ? 'info' : 'warning'),
  rfc: 'RFC 8446 §6 / RFC 5246 §7.2',
  explanation:
    'An alert no more specific diagnosis explains. The sender of an alert is telling its peer what it refused or what went wrong: ' +
    'a fatal alert ends the connection, a warning alert does not. The evidence gives the meaning of this alert, its defining RFC section and its usual fix.',
  fix: "Fix what the alert names on the side it is about (the sender's peer); the evidence gives this alert's usual fix. The sender's log usually says more.",
  cites: 'every alert no earlier rule accounts for: who sent it, its level and code',
  // after every rule that explains alerts
  each: (x) => x.m.alerts,
  appliesWhen: (x, a) => !x.explained.has(a) && a.code !== undefined && a.code !== AD.close_notify,
  evaluate: (_x, a) => {
    const meaning = alertMeaning(a.code!);
    return {
      summary: `The ${who(a)} sent ${a.level ?? ''} alert ${a.description} (${a.code}) in frame ${a.frame}.`.replace('  ', ' '),
      evidence: [meaning.text, meaning.fix && `Usual fix for ${a.description}: ${meaning.fix}`],
      evidenceFrames: [a.frame],
    };
  },
});

/** QUIC Version Negotiation without a ServerHello: this attempt ends there by design (RFC 9000 §6). */
function versionNegotiated(x: RuleContext): boolean {
  return x.m.quic?.versionNegotiation !== undefined && !x.tls.serverHelloSeen;
}

const quicVersionNegotiation = rule({
  name: 'quic-version-negotiation',
  code: 'quic-version-negotiation',
  severity: 'info',
  rfc: 'RFC 9000 §6',
  explanation:
    'RFC 9000 §6: a client that gets Version Negotiation starts a new connection with a version the server offers (often from a new UDP port: a new udp.stream). ' +
    'This attempt carries no handshake beyond the ClientHello.',
  fix: 'Nothing, if the client retried with an offered version (look for the next QUIC connection to the same server); otherwise configure a version both sides support.',
  cites: "the server's Version Negotiation packet and the versions it offers; no ServerHello",
  appliesWhen: versionNegotiated,
  evaluate: (x) => {
    const q = x.m.quic!;
    const vn = q.versionNegotiation!;
    return {
      summary: `The server does not speak the client's QUIC version (${q.version}): it answered with Version Negotiation in frame ${vn.frame}, offering ${vn.versions.join(', ')}.`,
      evidenceFrames: [vn.frame],
    };
  },
});

const incomplete = rule({
  name: 'handshake-incomplete',
  code: 'handshake-incomplete',
  severity: 'warning',
  rfc: 'RFC 8446 §4 / RFC 5246 §7.3',
  explanation:
    'The handshake stopped without an alert and before both Finished messages: the connection was closed (FIN or RST) or the capture ended in the middle of it. ' +
    'Many stacks (Node, nginx) close without an alert when they reject a certificate; firewalls, load balancers and timeouts end handshakes the same way.',
  fix: FIX.incomplete,
  cites: 'no Finished from both sides, no alert (plain or inferred), the TCP FIN/RST or the end of the capture',
  // after every rule that may find an error: an error already explains the stop
  appliesWhen: (x) =>
    !versionNegotiated(x) && x.m.established === false && x.m.alerts.length === 0 && !x.inf?.alertEvent && !x.clientAbort && !x.hasError(),
  evaluate: (x) => {
    const m = x.m;
    const ev = m.events;
    const closer = m.tcp.rstFrames ? 'RST' : m.tcp.finFrames ? 'FIN' : 'end of capture';
    const last = ev[ev.length - 1];
    return {
      summary: `The handshake did not complete and no alert was sent (${closer}).`,
      evidence: [`Last TLS message: ${ev.length > 0 ? `${last.type ?? last.kind} from the ${who(last)} in frame ${last.frame}` : 'none'}.`],
      evidenceFrames: [...(m.tcp.finFrames ?? []), ...(m.tcp.rstFrames ?? [])].filter((f) => f > 0),
    };
  },
});

/** The client rejected the server: by alert, else by a silent close. */
export const SERVER_CERT_RULES: readonly AnyRule[] = [serverRejected, serverRejectedSilently];
export const ALERT_RULES: readonly AnyRule[] = [handshakeAlert];
export const QUIC_RULES: readonly AnyRule[] = [quicVersionNegotiation];
export const INCOMPLETE_RULES: readonly AnyRule[] = [incomplete];
