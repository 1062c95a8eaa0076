/**
 * Messages with no or one-byte bodies: HelloRequest (RFC 5246 §7.4.1.1), ServerHelloDone
 * (§7.4.5), EndOfEarlyData (RFC 8446 §4.5), KeyUpdate (RFC 8446 §4.6.3), and the length-only
 * report used for MessageHash, CertificateURL, SupplementalData and unknown types.
 */
import { ByteReader, type DecodeWarning } from './reader.js';
import type { KeyUpdate, OpaqueMessage } from './types.js';

/** A message whose body must be empty; extra bytes are reported. */
export function decodeEmptyMessage(body: Uint8Array, name: string): OpaqueMessage {
  const warnings: DecodeWarning[] = [];
  if (body.length !== 0) warnings.push({ code: 'tls-message-field-invalid', message: `${name} should be empty but has ${body.length} bytes` });
  return { length: body.length, warnings };
}

export function decodeOpaqueMessage(body: Uint8Array): OpaqueMessage {
  return { length: body.length, warnings: [] };
}

/** request_update(1): 0 update_not_requested, 1 update_requested. */
export function decodeKeyUpdate(body: Uint8Array): KeyUpdate {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const requestUpdate = r.u8('request_update');
  if (!r.failed && requestUpdate > 1) warnings.push({ code: 'tls-message-field-invalid', message: `request_update ${requestUpdate} is neither 0 nor 1` });
  r.expectEnd('KeyUpdate');
  return { requestUpdate, warnings };
}
