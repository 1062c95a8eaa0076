/** CertificateVerify (RFC 8446 §4.4.3, RFC 5246 §7.4.8) and Finished (RFC 8446 §4.4.4, RFC 5246 §7.4.9). */
import { ByteReader, type DecodeWarning } from './reader.js';
import type { CertificateVerify, Finished } from './types.js';

/**
 * TLS 1.2/1.3: algorithm(2) signature<0..2^16-1>; TLS 1.0/1.1 (and SSL 3.0): signature only.
 * Without a known version the layout whose length adds up is used.
 */
export function decodeCertificateVerify(body: Uint8Array, tls13: boolean, version?: number): CertificateVerify {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  let withScheme = tls13 || version === undefined || version >= 0x0303;
  if (!tls13 && version === undefined && body.length >= 2 && ((body[0] << 8) | body[1]) + 2 === body.length) withScheme = false;
  if (!tls13 && version === 0x0300) {
    // SSL 3.0: the signature is not length-prefixed.
    return { signatureLength: body.length, warnings };
  }
  const msg: CertificateVerify = { signatureLength: 0, warnings };
  if (withScheme) msg.signatureScheme = r.u16('algorithm');
  const sig = r.vector(2, 'signature');
  if (sig !== null) msg.signatureLength = sig.length;
  r.expectEnd('CertificateVerify');
  return msg;
}

/** verify_data fills the body: 12 bytes in TLS 1.0-1.2, the hash length in TLS 1.3, 36 in SSL 3.0. */
export function decodeFinished(body: Uint8Array): Finished {
  const warnings: DecodeWarning[] = [];
  if (body.length === 0) warnings.push({ code: 'tls-message-field-invalid', message: 'Finished verify_data is empty' });
  return { verifyDataLength: body.length, warnings };
}
