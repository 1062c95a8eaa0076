/**
 * Certificate (RFC 5246 §7.4.2 / RFC 8446 §4.4.2), CertificateStatus (RFC 6066 §8, RFC 6961) and
 * CompressedCertificate (RFC 8879 §4). Certificates are returned as DER views in message order.
 */
import { decodeExtensions } from './extensions.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { CertificateEntry, CertificateMessage, CertificateStatus, CompressedCertificate } from './types.js';

/** Certificates kept per Certificate message: real chains are 1-5 long; a crafted list of 100,000
 * junk entries must not become 100,000 certificates in every report. The rest are counted. */
export const MAX_CERTIFICATES_KEPT = 32;

/**
 * TLS 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
 * TLS 1.3: certificate_request_context<0..255>, certificate_list<0..2^24-1> of
 * { cert_data<1..2^24-1>, extensions<0..2^16-1> }.
 * An empty list is legal (a client without a suitable certificate).
 */
export function decodeCertificate(body: Uint8Array, tls13: boolean): CertificateMessage {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const msg: CertificateMessage = { tls13, entries: [], notKept: 0, warnings };
  if (tls13) {
    const ctx = r.vector(1, 'certificate_request_context');
    if (ctx === null) return msg;
    msg.requestContext = ctx;
  }
  const before = warnings.length;
  const list = r.subLenient(3, 'certificate_list');
  if (list === null) {
    msg.malformed = true;
    return msg;
  }
  if (warnings.length > before) msg.malformed = true; // the list length overran the body
  let n = 0;
  while (list.remaining > 0 && !list.failed) {
    const der = list.vector(3, `certificate ${n + 1}`);
    if (der === null) {
      msg.malformed = true;
      break;
    }
    n++;
    if (n > MAX_CERTIFICATES_KEPT) {
      msg.notKept++;
      if (tls13) skipExtensions(list);
      continue;
    }
    if (der.length === 0) warnings.push({ code: 'tls-message-field-invalid', message: `certificate ${n} is empty` });
    const entry: CertificateEntry = { der };
    if (tls13) entry.extensions = decodeExtensions(list, 'certificate');
    msg.entries.push(entry);
  }
  if (msg.notKept > 0) warnings.push({ code: 'tls-certificates-not-kept', message: `${msg.notKept} more certificates not kept (at most ${MAX_CERTIFICATES_KEPT} per Certificate message)` });
  r.expectEnd('Certificate');
  return msg;
}

/** A TLS 1.3 CertificateEntry's extensions<0..2^16-1>, length-checked and not decoded. */
function skipExtensions(r: ByteReader): void {
  r.vector(2, 'certificate extensions');
}

/** status_type(1) then OCSPResponse<1..2^24-1> (ocsp) or OCSPResponseList (ocsp_multi). */
export function decodeCertificateStatus(body: Uint8Array): CertificateStatus {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const msg: CertificateStatus = { statusType: r.u8('status_type'), ocspResponseLength: 0, warnings };
  if (r.failed) return msg;
  if (msg.statusType === 2) {
    const list = r.sub(3, 'ocsp_response_list');
    if (list === null) return msg;
    let n = 0;
    let total = 0;
    while (list.remaining > 0 && !list.failed) {
      const resp = list.vector(3, 'OCSPResponse');
      if (resp === null) break;
      n++;
      total += resp.length;
    }
    msg.responseCount = n;
    msg.ocspResponseLength = total;
  } else {
    if (msg.statusType !== 1) warnings.push({ code: 'tls-message-field-invalid', message: `unknown status_type ${msg.statusType}` });
    const resp = r.vector(3, 'OCSPResponse');
    if (resp !== null) msg.ocspResponseLength = resp.length;
  }
  r.expectEnd('CertificateStatus');
  return msg;
}

/** algorithm(2) uncompressed_length(3) compressed_certificate_message<1..2^24-1>. */
export function decodeCompressedCertificate(body: Uint8Array): CompressedCertificate {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const msg: CompressedCertificate = {
    algorithm: r.u16('algorithm'),
    uncompressedLength: r.u24('uncompressed_length'),
    compressedLength: 0,
    warnings,
  };
  const data = r.vector(3, 'compressed_certificate_message');
  if (data !== null) msg.compressedLength = data.length;
  r.expectEnd('CompressedCertificate');
  return msg;
}
