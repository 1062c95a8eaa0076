/**
 * HandshakeType values. Source: IANA "TLS HandshakeType" registry (RFC 8446 §B.3, RFC 5246,
 * RFC 6066, RFC 4680, RFC 8879, RFC 9147, RFC 8870). Names are the PascalCase forms used in the
 * JSON report (`event.type`); `rfcName` is the snake_case registry name.
 */
import { hex8 } from './grease.js';

export interface HandshakeTypeEntry {
  code: number;
  name: string;
  rfcName: string;
}

export const HANDSHAKE_TYPES: ReadonlyArray<HandshakeTypeEntry> = [
  { code: 0, name: 'HelloRequest', rfcName: 'hello_request' },
  { code: 1, name: 'ClientHello', rfcName: 'client_hello' },
  { code: 2, name: 'ServerHello', rfcName: 'server_hello' },
  { code: 3, name: 'HelloVerifyRequest', rfcName: 'hello_verify_request' },
  { code: 4, name: 'NewSessionTicket', rfcName: 'new_session_ticket' },
  { code: 5, name: 'EndOfEarlyData', rfcName: 'end_of_early_data' },
  { code: 6, name: 'HelloRetryRequest', rfcName: 'hello_retry_request' },
  { code: 8, name: 'EncryptedExtensions', rfcName: 'encrypted_extensions' },
  { code: 9, name: 'RequestConnectionId', rfcName: 'request_connection_id' },
  { code: 10, name: 'NewConnectionId', rfcName: 'new_connection_id' },
  { code: 11, name: 'Certificate', rfcName: 'certificate' },
  { code: 12, name: 'ServerKeyExchange', rfcName: 'server_key_exchange' },
  { code: 13, name: 'CertificateRequest', rfcName: 'certificate_request' },
  { code: 14, name: 'ServerHelloDone', rfcName: 'server_hello_done' },
  { code: 15, name: 'CertificateVerify', rfcName: 'certificate_verify' },
  { code: 16, name: 'ClientKeyExchange', rfcName: 'client_key_exchange' },
  { code: 17, name: 'ClientCertificateRequest', rfcName: 'client_certificate_request' },
  { code: 20, name: 'Finished', rfcName: 'finished' },
  { code: 21, name: 'CertificateURL', rfcName: 'certificate_url' },
  { code: 22, name: 'CertificateStatus', rfcName: 'certificate_status' },
  { code: 23, name: 'SupplementalData', rfcName: 'supplemental_data' },
  { code: 24, name: 'KeyUpdate', rfcName: 'key_update' },
  { code: 25, name: 'CompressedCertificate', rfcName: 'compressed_certificate' },
  { code: 26, name: 'EktKey', rfcName: 'ekt_key' },
  { code: 254, name: 'MessageHash', rfcName: 'message_hash' },
];

/** Numeric handshake types. HelloRetryRequest is a ServerHello (2) with a special random in TLS 1.3. */
export const HandshakeType = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  HelloVerifyRequest: 3,
  NewSessionTicket: 4,
  EndOfEarlyData: 5,
  HelloRetryRequest: 6,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
  CertificateURL: 21,
  CertificateStatus: 22,
  SupplementalData: 23,
  KeyUpdate: 24,
  CompressedCertificate: 25,
  MessageHash: 254,
} as const;

const BY_CODE = new Map<number, HandshakeTypeEntry>(HANDSHAKE_TYPES.map((e) => [e.code, e]));

/** PascalCase name, or `Unknown(0xNN)`. */
export function handshakeTypeName(code: number): string {
  return BY_CODE.get(code)?.name ?? `Unknown(${hex8(code)})`;
}

/** snake_case registry name, or `0xNN`. */
export function handshakeTypeRfcName(code: number): string {
  return BY_CODE.get(code)?.rfcName ?? hex8(code);
}
