/**
 * Rules about the bytes themselves: malformed data is reported, never turned into a verdict (a
 * client Certificate message whose list does not parse, certificates that are not X.509 — these
 * diagnoses say what the bytes are and replace the conclusions that would rest on them), TLS 1.3
 * without keys, and bytes missing from the capture.
 */
import type { EventModel } from '../model.js';
import { FIX } from '../fixes.js';
import { rule, type AnyRule } from './types.js';
import { unparseable } from './client-cert-sent.js';

const FIX_MALFORMED =
  'The bytes on the wire are not a valid TLS Certificate message: capture again at the client (a middlebox or a capture ' +
  'problem may have damaged them), or check the TLS stack that sent them — a correct stack never sends this.';
const FIX_UNPARSEABLE =
  'The certificate the peer sent is not DER X.509: check the certificate file configured on that side (PEM vs DER, a truncated file, ' +
  'the key instead of the certificate): openssl x509 -in cert.pem -noout -text must print it.';

const malformed = rule({
  name: 'client-cert-malformed',
  code: 'client-cert-malformed',
  severity: 'warning',
  rfc: 'RFC 8446 §4.4.2 / RFC 5246 §7.4.2',
  explanation:
    'RFC 8446 §4.4.2 / RFC 5246 §7.4.2: certificate_list is a vector of length-prefixed certificates; here a length runs past the end of the message. ' +
    'A peer receiving it would answer decode_error (50). Nothing is concluded about the client certificate from these bytes.',
  fix: FIX_MALFORMED,
  cites: "the client's Certificate message whose certificate_list lengths run past the message",
  appliesWhen: (x) => x.m.clientCertificate.status === 'malformed' && x.m.clientCertificate.frame !== undefined,
  evaluate: (x) => {
    const frame = x.m.clientCertificate.frame!;
    return {
      summary: `The client's Certificate message in frame ${frame} is malformed: its certificate list does not parse, so whether it carried a certificate is unknown.`,
      evidenceFrames: [frame],
    };
  },
});

/** The first Certificate message of each side that holds certificates which do not parse. */
function unparseableMessages(events: EventModel[]): EventModel[] {
  const out: EventModel[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'handshake' || e.type !== 'Certificate' || !e.certificates) continue;
    if (!e.certificates.some(unparseable)) continue;
    if (seen.has(e.direction)) continue;
    seen.add(e.direction);
    out.push(e);
  }
  return out;
}

const certificateUnparseable = rule<EventModel>({
  name: 'certificate-unparseable',
  code: 'certificate-unparseable',
  severity: 'warning',
  rfc: 'RFC 5280 §4.1',
  explanation:
    'RFC 5280 §4.1: a certificate is a DER-encoded X.509 Certificate. These bytes are not one, so no validity window, key usage or issuer is read from them ' +
    'and no diagnosis rests on them. A peer receiving them would answer bad_certificate (42) or decode_error (50).',
  fix: FIX_UNPARSEABLE,
  cites: 'certificates in a Certificate message (the first such message per side) that are not DER X.509',
  each: (x) => x.once('unparseable', () => unparseableMessages(x.events)),
  appliesWhen: () => true,
  evaluate: (_x, e) => {
    const certs = e.certificates!;
    const bad = certs.filter(unparseable);
    const whose = e.direction === 'client->server' ? 'client' : 'server';
    return {
      summary: `${bad.length} of the ${certs.length} certificate(s) the ${whose} sent in frame ${e.frame} do not parse as X.509: ${bad[0].error}.`,
      evidenceFrames: [e.frame],
    };
  },
});

const noKeys = rule({
  name: 'encrypted-no-keys',
  code: 'encrypted-no-keys',
  severity: 'info',
  rfc: 'RFC 8446 §2',
  explanation:
    'TLS 1.3 encrypts everything after the ServerHello: the CertificateRequest, both Certificate messages and the alerts. ' +
    'Without the handshake traffic secrets only record sizes and order are visible; conclusions drawn from them are marked inferred.',
  fix: FIX.noKeys,
  cites: 'TLS 1.3 without decrypted records; the key-log problem or the missing secrets; the size inference',
  appliesWhen: (x) => x.m.version === 'TLS 1.3' && !x.m.decrypted,
  evaluate: (x) => {
    const { keyProblem, missingSecrets } = x.tls;
    const inf = x.inf;
    return {
      summary: keyProblem
        ? `Key-log secrets exist for this connection but do not decrypt it: ${keyProblem}.`
        : 'TLS 1.3 encrypts the CertificateRequest, the client Certificate and the alerts; no key-log secrets were given for this connection.',
      evidence: [
        inf && inf.reasons.length > 0 && `Inferred: ${inf.reasons.join('; ')}.`,
        missingSecrets && missingSecrets.length > 0 && `Missing from the key log: ${missingSecrets.join(', ')}.`,
      ],
      evidenceFrames: [],
    };
  },
});

const gap = rule({
  name: 'capture-gap',
  code: 'capture-gap',
  severity: 'warning',
  rfc: 'RFC 9293 §3.4 (TCP sequence numbers)',
  explanation: 'The capture lost packets (or started mid-connection); records spanning the gap could not be decoded, so part of the TLS exchange may be hidden.',
  fix: FIX.gap,
  cites: 'gaps in the reassembled TLS stream: the first gap, its length and stream offset',
  appliesWhen: (x) => (x.tls.gaps?.length ?? 0) > 0,
  evaluate: (x) => {
    const gaps = x.tls.gaps!;
    const g = gaps[0];
    return {
      summary: `${gaps.length} capture gap(s): ${g.length} bytes missing at stream offset ${g.streamOffset}; part of the TLS exchange may be hidden.`,
      evidenceFrames: g.frames.slice(0, 2),
    };
  },
});

export const MALFORMED_RULES: readonly AnyRule[] = [malformed, certificateUnparseable];
export const CAPTURE_RULES: readonly AnyRule[] = [noKeys, gap];
