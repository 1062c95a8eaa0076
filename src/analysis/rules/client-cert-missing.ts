/**
 * Rules for a client certificate that is missing: an EMPTY Certificate message, a server that
 * requires one and aborts, a server that never asked (one-way TLS), and the same conclusions
 * inferred from TLS 1.3 record sizes without keys (always marked inferred, never stated as fact).
 */
import type { ConnectionModel, EventModel } from '../model.js';
import { FIX } from '../fixes.js';
import { AlertDescription as AD } from '../../tls/registry/index.js';
import { alertSentence, frames, known, rule, who, type AnyRule, type RuleContext } from './types.js';

/** Server alerts that, after an EMPTY Certificate, mean "a certificate is required" (TLS 1.2 stacks). */
const REQUIRED_AFTER_EMPTY = new Set<number>([AD.handshake_failure, AD.decode_error, AD.bad_certificate]);

/** The server's alert saying it requires a client certificate: certificate_required, or a TLS 1.2 abort after an EMPTY Certificate. */
function requiredAlert(x: RuleContext): EventModel | undefined {
  return x.once('requiredAlert', () => {
    const empty = x.m.clientCertificate.status === 'empty';
    return x.events.find(
      (e) => e.kind === 'alert' && who(e) === 'server' && (e.code === AD.certificate_required || (empty && REQUIRED_AFTER_EMPTY.has(e.code ?? -1))),
    );
  });
}

/** The catalogue text of each code these rules make (../diagnosis-catalogue.ts). */
const TEXT = {
  empty: {
    rfc: 'RFC 8446 §4.4.2 / RFC 5246 §7.4.6',
    explanation:
      'RFC 8446 §4.4.2 / RFC 5246 §7.4.6: a client with no suitable certificate sends a Certificate message with no certificates. ' +
      "Clients pick a certificate whose issuer is among the CAs of the server's CertificateRequest: either the client has no certificate configured, or none issued by these CAs. " +
      'A server that requires one then aborts (certificate_required in TLS 1.3, handshake_failure in TLS 1.2); one that does not goes on without client authentication.',
    fix: FIX.emptyCert,
  },
  required: {
    rfc: 'RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6',
    explanation:
      'RFC 8446 §4.4.2.4: a server that requires client authentication aborts with certificate_required (116) when the client sends an empty Certificate. ' +
      'RFC 5246 §7.4.6: in TLS 1.2, without client certificates the server MAY abort with a fatal handshake_failure alert (stacks also send decode_error or bad_certificate).',
    fix: FIX.emptyCert,
  },
  notRequested: {
    rfc: 'RFC 8446 §4.3.2 / RFC 5246 §7.4.4',
    explanation: 'RFC 8446 §4.3.2 / RFC 5246 §7.4.4: a client sends a certificate only when the server requests one.',
    fix: FIX.notRequested,
  },
  rejected: {
    rfc: 'RFC 8446 §4.4.2.4',
    explanation:
      "TLS 1.3 without keys: the client's Certificate, CertificateVerify and Finished are encrypted, and so is the server's answer; record sizes and order show the flow. " +
      'A server that answers them with an alert-sized record and closes rejected the certificate; one that sends nothing and closes most likely did too — ' +
      'Node.js servers (requestCert + rejectUnauthorized) reject client certificates exactly like this in TLS 1.3, where the handshake already looks complete. ' +
      'Which alert (unknown_ca, bad_certificate, certificate_expired, decrypt_error ...) and which certificate are hidden by TLS 1.3 encryption; ' +
      'give the key log (--keylog) to see them. It is the server rejecting the client, not a local failure.',
    fix: `${FIX.noKeys} Then compare the client certificate's issuer with the CAs the server accepts.`,
  },
} as const;

const empty = rule({
  name: 'empty-certificate',
  code: 'client-cert-empty',
  severity: (x) => (requiredAlert(x) ? 'error' : 'warning'),
  ...TEXT.empty,
  cites: "the client's Certificate message with an empty certificate_list; the CAs of the CertificateRequest",
  appliesWhen: (x) => x.m.clientCertificate.status === 'empty' && x.clientCert !== undefined,
  evaluate: (x) => {
    const accepted = x.m.clientCertificate.acceptedAuthorities ?? [];
    const cert = x.clientCert!;
    return {
      summary: `The server asked for a client certificate and the client answered with an EMPTY Certificate message (frame ${cert.frame}).`,
      evidence: [
        accepted.length > 0
          ? `The server accepts certificates issued by: ${accepted.join('; ')}. Either the client has no certificate configured, or none issued by these CAs (clients filter by this list).`
          : 'The server named no CAs, so the client had no certificate configured at all.',
      ],
      evidenceFrames: known(x.certRequest?.frame, cert.frame),
    };
  },
});

const required = rule({
  name: 'certificate-required',
  code: 'client-cert-required',
  severity: 'error',
  ...TEXT.required,
  cites: "the server's certificate_required alert, or its handshake_failure / decode_error / bad_certificate right after an EMPTY Certificate",
  appliesWhen: (x) => {
    const a = requiredAlert(x);
    const st = x.m.clientCertificate.status;
    return a !== undefined && (st === 'empty' || st === 'not-sent' || a.code === AD.certificate_required);
  },
  explains: (x) => [requiredAlert(x)!],
  evaluate: (x) => {
    const a = requiredAlert(x)!;
    return {
      summary: `The server requires a client certificate and the client sent none: ${alertSentence(a, '')}.`,
      evidenceFrames: known(x.certRequest?.frame, x.clientCert?.frame, a.frame),
    };
  },
});

function serverDone(ev: EventModel[]): boolean {
  return ev.some((e) => e.direction === 'server->client' && (e.type === 'ServerHelloDone' || e.type === 'Finished'));
}

const notRequested = rule({
  name: 'not-requested',
  code: 'client-cert-not-requested',
  severity: 'info',
  ...TEXT.notRequested,
  cites: "the server's flight (ServerHelloDone / Finished) without a CertificateRequest",
  appliesWhen: (x) => {
    const m = x.m;
    const cc = m.clientCertificate;
    return cc.status === 'not-requested' && cc.requested === false && !m.resumed && (m.established === true || serverDone(m.events));
  },
  evaluate: (x) => ({
    summary: 'The server never sent a CertificateRequest: this is one-way TLS, no client certificate was involved.',
    evidenceFrames: x.events
      .filter((e) => e.type === 'ServerHelloDone' || (e.type === 'Finished' && e.direction === 'server->client'))
      .map((e) => e.frame)
      .slice(0, 1),
  }),
});

const SIZES_CITE = 'TLS 1.3 encrypted record sizes and order (no keys): ../infer-tls13.ts';

function why(x: RuleContext): string {
  return x.inf!.reasons.join('; ');
}

const inferredRequired = rule({
  name: 'inferred:certificate-required',
  code: 'client-cert-required',
  severity: 'error',
  ...TEXT.required,
  cites: `${SIZES_CITE}: an empty-Certificate-sized client record, then an alert-sized server record`,
  inferred: true,
  appliesWhen: (x) => x.inf?.clientCert === 'empty' && x.inf.certEvent !== undefined && x.inf.alertEvent !== undefined,
  evaluate: (x) => ({
    summary: `INFERRED: the client sent an EMPTY Certificate and the server closed with an encrypted alert — most likely certificate_required (116).`,
    evidence: [`From encrypted record sizes (no keys): ${why(x)}.`, 'Give the key log to confirm.'],
    evidenceFrames: [x.inf!.certEvent!.frame, x.inf!.alertEvent!.frame],
  }),
});

const inferredEmpty = rule({
  name: 'inferred:empty-certificate',
  code: 'client-cert-empty',
  severity: 'warning',
  ...TEXT.empty,
  cites: `${SIZES_CITE}: an empty-Certificate-sized client record`,
  inferred: true,
  appliesWhen: (x) => x.inf?.clientCert === 'empty' && x.inf.certEvent !== undefined && x.inf.alertEvent === undefined,
  evaluate: (x) => ({
    summary: `INFERRED: the client answered the server's CertificateRequest with an EMPTY Certificate.`,
    evidence: [`From encrypted record sizes (no keys): ${why(x)}.`, 'Give the key log to confirm.'],
    evidenceFrames: [x.inf!.certEvent!.frame],
  }),
});

function closeFrames(m: ConnectionModel): number[] {
  return [m.tcp.finFrames?.[1] ?? 0, m.tcp.rstFrames?.[1] ?? 0].filter((f) => f > 0);
}

const inferredRejectedSilently = rule({
  name: 'inferred:rejected-silently',
  code: 'client-cert-rejected',
  severity: 'warning',
  ...TEXT.rejected,
  cites: `${SIZES_CITE}: Certificate + CertificateVerify + Finished from the client, then nothing from the server but its close (../acceptance.ts)`,
  inferred: true,
  appliesWhen: (x) => x.inf?.clientCert === 'sent' && x.inf.certEvent !== undefined && !x.inf.alertEvent && x.acceptance.verdict === 'rejected-silently',
  evaluate: (x) => ({
    summary: `INFERRED: the server sent nothing after the client's certificate and closed (${x.acceptance.serverClose?.how ?? 'no close seen'}) — most likely it rejected the certificate without an alert.`,
    evidence: [`From encrypted record sizes (no keys): ${why(x)}.`, "No application data and no alert came from the server after the client's flight.", 'Give the key log to confirm.'],
    evidenceFrames: frames(x.inf!.certEvent!.frame, ...closeFrames(x.m)),
  }),
});

const inferredRejectedAlert = rule({
  name: 'inferred:rejected-by-alert',
  code: 'client-cert-rejected',
  severity: 'error',
  ...TEXT.rejected,
  cites: `${SIZES_CITE}: Certificate + CertificateVerify + Finished from the client, then an alert-sized server record`,
  inferred: true,
  appliesWhen: (x) => x.inf?.clientCert === 'sent' && x.inf.certEvent !== undefined && x.inf.alertEvent !== undefined,
  evaluate: (x) => ({
    summary: 'INFERRED: the server rejected the client\'s certificate — it answered the client\'s Certificate/CertificateVerify/Finished with an encrypted alert and closed.',
    evidence: [`From encrypted record sizes (no keys): ${why(x)}.`],
    evidenceFrames: [x.inf!.certEvent!.frame, x.inf!.alertEvent!.frame],
  }),
});

/** The plaintext (or decrypted) rules: an EMPTY Certificate, then the server's abort. */
export const CLIENT_CERT_MISSING_RULES: readonly AnyRule[] = [empty, required];
/** One-way TLS. */
export const NOT_REQUESTED_RULES: readonly AnyRule[] = [notRequested];
/** From TLS 1.3 record sizes: at most one applies. */
export const INFERRED_CLIENT_CERT_RULES: readonly AnyRule[] = [inferredRequired, inferredEmpty, inferredRejectedSilently, inferredRejectedAlert];
