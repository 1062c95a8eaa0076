/**
 * Malformed data is reported, never turned into a verdict: a client Certificate message whose list
 * does not parse, and certificates that are not X.509 at all. These diagnoses say what the bytes
 * are (warning) and replace the conclusions that would rest on them (no "EMPTY Certificate", no
 * "expired on 1970-01-01" for four junk bytes).
 */
import type { CertificateModel, ConnectionModel, DiagnosisModel } from './model.js';

const FIX_MALFORMED =
  'The bytes on the wire are not a valid TLS Certificate message: capture again at the client (a middlebox or a capture ' +
  'problem may have damaged them), or check the TLS stack that sent them — a correct stack never sends this.';
const FIX_UNPARSEABLE =
  'The certificate the peer sent is not DER X.509: check the certificate file configured on that side (PEM vs DER, a truncated file, ' +
  'the key instead of the certificate): openssl x509 -in cert.pem -noout -text must print it.';

/** A certificate whose bytes did not parse: no validity, usage or issuer conclusion may use it. */
export function unparseable(c: CertificateModel | undefined): boolean {
  return c?.error !== undefined;
}

export function malformedDiagnoses(m: ConnectionModel): DiagnosisModel[] {
  const out: DiagnosisModel[] = [];
  const cc = m.clientCertificate;
  if (cc.status === 'malformed' && cc.frame !== undefined) {
    out.push({
      code: 'client-cert-malformed',
      severity: 'warning',
      summary: `The client's Certificate message in frame ${cc.frame} is malformed: its certificate list does not parse, so whether it carried a certificate is unknown.`,
      explanation:
        'RFC 8446 §4.4.2 / RFC 5246 §7.4.2: certificate_list is a vector of length-prefixed certificates; here a length runs past the end of the message. ' +
        'A peer receiving it would answer decode_error (50). Nothing is concluded about the client certificate from these bytes.',
      fix: FIX_MALFORMED,
      evidenceFrames: [cc.frame],
    });
  }
  const seen = new Set<string>();
  for (const e of m.events) {
    if (e.kind !== 'handshake' || e.type !== 'Certificate' || !e.certificates) continue;
    const bad = e.certificates.filter(unparseable);
    if (bad.length === 0) continue;
    const whose = e.direction === 'client->server' ? 'client' : 'server';
    if (seen.has(whose)) continue;
    seen.add(whose);
    const first = bad[0];
    out.push({
      code: 'certificate-unparseable',
      severity: 'warning',
      summary: `${bad.length} of the ${e.certificates.length} certificate(s) the ${whose} sent in frame ${e.frame} do not parse as X.509: ${first.error}.`,
      explanation:
        'RFC 5280 §4.1: a certificate is a DER-encoded X.509 Certificate. These bytes are not one, so no validity window, key usage or issuer is read from them ' +
        `and no diagnosis rests on them. A peer receiving them would answer bad_certificate (42) or decode_error (50).`,
      fix: FIX_UNPARSEABLE,
      evidenceFrames: [e.frame],
    });
  }
  return out;
}
