/**
 * CertificateRequest: TLS 1.2 (RFC 5246 §7.4.4), TLS 1.0/1.1 (RFC 4346 §7.4.4, no signature
 * algorithms) and TLS 1.3 (RFC 8446 §4.3.2, context + extensions). The acceptable CA names are
 * returned as DER views — the list that decides which certificate a client may pick.
 */
import { ExtensionType as E } from '../registry/extensions.js';
import { decodeExtensions, findExtension, readDistinguishedNames, readU16List, readU8List } from './extensions.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { CertificateRequest } from './types.js';

/**
 * TLS 1.2 vs 1.0/1.1 layout: the version decides when known (>= 0x0303 has
 * supported_signature_algorithms); otherwise the layout whose lengths add up to the body is used.
 */
function hasSignatureAlgorithms(body: Uint8Array, version: number | undefined): boolean {
  if (version !== undefined && version >= 0x0300 && version <= 0x0303) return version === 0x0303;
  if (body.length < 1) return true;
  const afterTypes = 1 + body[0];
  if (afterTypes + 2 > body.length) return true;
  const n1 = (body[afterTypes] << 8) | body[afterTypes + 1];
  const asTls12Dn = afterTypes + 2 + n1;
  if (asTls12Dn + 2 <= body.length && asTls12Dn + 2 + ((body[asTls12Dn] << 8) | body[asTls12Dn + 1]) === body.length) return true;
  return afterTypes + 2 + n1 !== body.length; // lengths fit the TLS 1.0/1.1 layout exactly
}

export function decodeCertificateRequest(body: Uint8Array, tls13: boolean, version?: number): CertificateRequest {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const msg: CertificateRequest = { tls13, certificateAuthorities: [], warnings };
  if (tls13) {
    const ctx = r.vector(1, 'certificate_request_context');
    if (ctx === null) return msg;
    msg.requestContext = ctx;
    const extensions = decodeExtensions(r, 'certificate_request');
    msg.extensions = extensions;
    r.expectEnd('CertificateRequest');
    const sa = findExtension(extensions, E.signature_algorithms);
    if (sa?.signatureSchemes) msg.signatureAlgorithms = sa.signatureSchemes;
    else warnings.push({ code: 'tls-message-field-invalid', message: 'TLS 1.3 CertificateRequest lacks the mandatory signature_algorithms extension' });
    const sac = findExtension(extensions, E.signature_algorithms_cert);
    if (sac?.signatureSchemes) msg.signatureAlgorithmsCert = sac.signatureSchemes;
    const ca = findExtension(extensions, E.certificate_authorities);
    if (ca?.certificateAuthorities) msg.certificateAuthorities = ca.certificateAuthorities;
    return msg;
  }
  msg.certificateTypes = readU8List(r, 1, 'certificate_types');
  if (r.failed) return msg;
  if (hasSignatureAlgorithms(body, version)) {
    msg.signatureAlgorithms = readU16List(r, 2, 'supported_signature_algorithms');
    if (r.failed) return msg;
  }
  msg.certificateAuthorities = readDistinguishedNames(r, 'certificate_authorities');
  r.expectEnd('CertificateRequest');
  return msg;
}
