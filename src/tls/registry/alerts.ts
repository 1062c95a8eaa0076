/**
 * AlertDescription values with a plain-words meaning and the defining RFC section, for reports and
 * diagnosis. Source: IANA "TLS Alerts" registry (tls-parameters-6); names are the RFC names without
 * the `_RESERVED` suffix RFC 8446 §6 gives to codes TLS 1.3 no longer sends (`reserved: true`).
 * 117 (general_error) is not in the IANA registry and is therefore not listed.
 */

export interface AlertInfo {
  code: number;
  name: string;
  /** One sentence: what the sender of this alert is telling its peer. */
  meaning: string;
  /** Where the alert is defined, e.g. "RFC 8446 §6.2". */
  reference: string;
  /** Marked _RESERVED in RFC 8446: only sent by TLS 1.2 and older stacks. */
  reserved: boolean;
}

const A = (code: number, name: string, reference: string, meaning: string, reserved = false): AlertInfo =>
  ({ code, name, meaning, reference, reserved });

export const ALERTS: ReadonlyArray<AlertInfo> = [
  A(0, 'close_notify', 'RFC 8446 §6.1', 'The sender is closing the connection normally and will send no more data.'),
  A(10, 'unexpected_message', 'RFC 8446 §6.2', 'The sender received a message that is not allowed at this point of the protocol.'),
  A(20, 'bad_record_mac', 'RFC 8446 §6.2', 'A record failed integrity/decryption checks: corrupted data or mismatched keys.'),
  A(21, 'decryption_failed', 'RFC 5246 §7.2.2', 'Old TLS: a record could not be decrypted (replaced by bad_record_mac).', true),
  A(22, 'record_overflow', 'RFC 8446 §6.2', 'The sender received a record longer than the protocol allows.'),
  A(30, 'decompression_failure', 'RFC 5246 §7.2.2', 'Old TLS: record decompression produced invalid or too long data.', true),
  A(40, 'handshake_failure', 'RFC 8446 §6.2', 'The sender could not agree on acceptable security parameters (no common cipher suite, group or version, or a required client certificate missing in TLS 1.2).'),
  A(41, 'no_certificate', 'RFC 6101 §5.4.2', 'SSL 3.0 only: the client has no suitable certificate to send.', true),
  A(42, 'bad_certificate', 'RFC 8446 §6.2', 'The sender rejected the peer certificate: corrupt, bad signature, not yet valid, or otherwise unacceptable.'),
  A(43, 'unsupported_certificate', 'RFC 8446 §6.2', 'The peer certificate is of an unsupported type or its key usage / extended key usage does not allow this use.'),
  A(44, 'certificate_revoked', 'RFC 8446 §6.2', 'The peer certificate was revoked by its issuer.'),
  A(45, 'certificate_expired', 'RFC 8446 §6.2', 'The peer certificate has expired or is not valid at the current time.'),
  A(46, 'certificate_unknown', 'RFC 8446 §6.2', 'The sender rejected the peer certificate for some other, unspecified reason.'),
  A(47, 'illegal_parameter', 'RFC 8446 §6.2', 'A handshake field was out of range or inconsistent with other fields.'),
  A(48, 'unknown_ca', 'RFC 8446 §6.2', 'The peer certificate chain does not lead to a CA the sender trusts (wrong or missing CA, or missing intermediate).'),
  A(49, 'access_denied', 'RFC 8446 §6.2', 'The peer certificate is valid, but access control refused to proceed.'),
  A(50, 'decode_error', 'RFC 8446 §6.2', 'A message could not be parsed: a field was out of range or a length was wrong.'),
  A(51, 'decrypt_error', 'RFC 8446 §6.2', 'A cryptographic check failed: a signature (e.g. CertificateVerify) or the Finished message did not verify.'),
  A(52, 'too_many_cids_requested', 'RFC 9147 §9', 'DTLS 1.3: the peer requested more connection IDs than the sender will provide.'),
  A(60, 'export_restriction', 'RFC 4346 §7.2.2', 'Old TLS: a negotiation did not comply with export restrictions.', true),
  A(70, 'protocol_version', 'RFC 8446 §6.2', 'The sender does not support the protocol version the peer offered or chose.'),
  A(71, 'insufficient_security', 'RFC 8446 §6.2', 'The sender requires stronger ciphers or parameters than the peer offered.'),
  A(80, 'internal_error', 'RFC 8446 §6.2', 'The sender hit an internal error unrelated to the peer or the protocol (e.g. memory allocation).'),
  A(86, 'inappropriate_fallback', 'RFC 7507 §2', 'The client retried with a lower version (TLS_FALLBACK_SCSV) although the server supports a higher one.'),
  A(90, 'user_canceled', 'RFC 8446 §6.1', 'The user or application canceled the handshake for a reason unrelated to a protocol failure.'),
  A(100, 'no_renegotiation', 'RFC 5246 §7.2.2', 'TLS 1.2 and older: the sender refuses to renegotiate.', true),
  A(109, 'missing_extension', 'RFC 8446 §6.2', 'The peer message lacks an extension that is mandatory here (TLS 1.3).'),
  A(110, 'unsupported_extension', 'RFC 8446 §6.2', 'The peer sent an extension it must not send in this message or that was not offered.'),
  A(111, 'certificate_unobtainable', 'RFC 6066 §5', 'The server could not fetch the client certificate from the URL the client gave.', true),
  A(112, 'unrecognized_name', 'RFC 8446 §6.2', 'The server has no host matching the name in the client server_name (SNI) extension.'),
  A(113, 'bad_certificate_status_response', 'RFC 8446 §6.2', 'The client received an invalid or unacceptable OCSP response from the server.'),
  A(114, 'bad_certificate_hash_value', 'RFC 6066 §5', 'A certificate fetched from a client certificate URL did not match the given hash.', true),
  A(115, 'unknown_psk_identity', 'RFC 8446 §6.2', 'The server does not know the pre-shared key identity the client offered.'),
  A(116, 'certificate_required', 'RFC 8446 §6.2', 'The server requires a client certificate, but the client sent none (TLS 1.3).'),
  A(120, 'no_application_protocol', 'RFC 7301 §3.2', 'The server supports none of the application protocols (ALPN) the client offered.'),
  A(121, 'ech_required', 'draft-ietf-tls-esni §6.1', 'The client requires Encrypted Client Hello, but the server did not accept it.'),
];

const BY_CODE = new Map<number, AlertInfo>(ALERTS.map((a) => [a.code, a]));

/** Full entry for a registered alert code. */
export function alertInfo(code: number): AlertInfo | undefined {
  return BY_CODE.get(code);
}

/** snake_case RFC name, or `unknown_<code>`. */
export function alertName(code: number): string {
  return BY_CODE.get(code)?.name ?? `unknown_${code}`;
}

/** AlertLevel (RFC 5246 §7.2): 1 warning, 2 fatal; anything else `unknown`. */
export function alertLevelName(level: number): 'warning' | 'fatal' | 'unknown' {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : 'unknown';
}

/** AlertDescription values by their RFC name (RFC 8446 §6, IANA tls-parameters-6), for code that
 * tests alert numbers: `AlertDescription.unknown_ca` instead of a bare 48. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unrecognized_name: 112,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
