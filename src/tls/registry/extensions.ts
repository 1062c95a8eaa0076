/**
 * TLS ExtensionType values. Source: IANA "TLS ExtensionType Values" registry (RFC 8447 and the
 * RFCs it lists), names as registered; a few widely deployed unregistered code points are listed
 * separately and flagged `iana: false`.
 */
import { greaseName, hex16, isGrease } from './grease.js';

export const EXTENSION_TYPES: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'server_name', 'RFC 6066'],
  [1, 'max_fragment_length', 'RFC 6066'],
  [2, 'client_certificate_url', 'RFC 6066'],
  [3, 'trusted_ca_keys', 'RFC 6066'],
  [4, 'truncated_hmac', 'RFC 6066'],
  [5, 'status_request', 'RFC 6066'],
  [6, 'user_mapping', 'RFC 4681'],
  [7, 'client_authz', 'RFC 5878'],
  [8, 'server_authz', 'RFC 5878'],
  [9, 'cert_type', 'RFC 6091'],
  [10, 'supported_groups', 'RFC 8422, RFC 7919'],
  [11, 'ec_point_formats', 'RFC 8422'],
  [12, 'srp', 'RFC 5054'],
  [13, 'signature_algorithms', 'RFC 8446'],
  [14, 'use_srtp', 'RFC 5764'],
  [15, 'heartbeat', 'RFC 6520'],
  [16, 'application_layer_protocol_negotiation', 'RFC 7301'],
  [17, 'status_request_v2', 'RFC 6961'],
  [18, 'signed_certificate_timestamp', 'RFC 6962'],
  [19, 'client_certificate_type', 'RFC 7250'],
  [20, 'server_certificate_type', 'RFC 7250'],
  [21, 'padding', 'RFC 7685'],
  [22, 'encrypt_then_mac', 'RFC 7366'],
  [23, 'extended_master_secret', 'RFC 7627'],
  [24, 'token_binding', 'RFC 8472'],
  [25, 'cached_info', 'RFC 7924'],
  [26, 'tls_lts', 'draft-gutmann-tls-lts'],
  [27, 'compress_certificate', 'RFC 8879'],
  [28, 'record_size_limit', 'RFC 8449'],
  [29, 'pwd_protect', 'RFC 8492'],
  [30, 'pwd_clear', 'RFC 8492'],
  [31, 'password_salt', 'RFC 8492'],
  [32, 'ticket_pinning', 'RFC 8672'],
  [33, 'tls_cert_with_extern_psk', 'RFC 8773'],
  [34, 'delegated_credential', 'RFC 9345'],
  [35, 'session_ticket', 'RFC 5077, RFC 8447'],
  [36, 'TLMSP', 'ETSI TS 103 523-2'],
  [37, 'TLMSP_proxying', 'ETSI TS 103 523-2'],
  [38, 'TLMSP_delegate', 'ETSI TS 103 523-2'],
  [39, 'supported_ekt_ciphers', 'RFC 8870'],
  [41, 'pre_shared_key', 'RFC 8446'],
  [42, 'early_data', 'RFC 8446'],
  [43, 'supported_versions', 'RFC 8446'],
  [44, 'cookie', 'RFC 8446'],
  [45, 'psk_key_exchange_modes', 'RFC 8446'],
  [47, 'certificate_authorities', 'RFC 8446'],
  [48, 'oid_filters', 'RFC 8446'],
  [49, 'post_handshake_auth', 'RFC 8446'],
  [50, 'signature_algorithms_cert', 'RFC 8446'],
  [51, 'key_share', 'RFC 8446'],
  [52, 'transparency_info', 'RFC 9162'],
  [53, 'connection_id (deprecated)', 'RFC 9146'],
  [54, 'connection_id', 'RFC 9146'],
  [55, 'external_id_hash', 'RFC 8844'],
  [56, 'external_session_id', 'RFC 8844'],
  [57, 'quic_transport_parameters', 'RFC 9001'],
  [58, 'ticket_request', 'RFC 9149'],
  [59, 'dnssec_chain', 'RFC 9102'],
  [60, 'sequence_number_encryption_algorithms', 'draft-pismenny-tls-dtls-plaintext-sequence-number'],
  [61, 'rrc', 'draft-ietf-tls-dtls-rrc'],
  [64768, 'ech_outer_extensions', 'draft-ietf-tls-esni'],
  [65037, 'encrypted_client_hello', 'draft-ietf-tls-esni'],
  [65281, 'renegotiation_info', 'RFC 5746'],
];

/** Seen on the wire but not in the IANA registry (names as Wireshark / BoringSSL use them). */
export const UNREGISTERED_EXTENSION_TYPES: ReadonlyArray<readonly [number, string, string]> = [
  [13172, 'next_protocol_negotiation', 'draft-agl-tls-nextprotoneg'],
  [17513, 'application_settings', 'draft-vvv-tls-alps'],
  [30031, 'channel_id_old', 'draft-balfanz-tls-channelid'],
  [30032, 'channel_id', 'draft-balfanz-tls-channelid'],
  [65445, 'quic_transport_parameters (drafts version)', 'draft-ietf-quic-tls'],
  [65486, 'encrypted_server_name', 'draft-ietf-tls-esni-01'],
];

const NAMES = new Map<number, string>();
const REFS = new Map<number, string>();
for (const [code, name, ref] of EXTENSION_TYPES) {
  NAMES.set(code, name);
  REFS.set(code, ref);
}
const UNREGISTERED = new Map<number, string>();
for (const [code, name, ref] of UNREGISTERED_EXTENSION_TYPES) {
  UNREGISTERED.set(code, name);
  REFS.set(code, ref);
}

/** Registered (or well-known unregistered) name, `GREASE (0x?a?a)`, or `0xXXXX`. */
export function extensionName(type: number): string {
  const name = NAMES.get(type) ?? UNREGISTERED.get(type);
  if (name !== undefined) return name;
  return isGrease(type) ? greaseName(type) : hex16(type);
}

/** True when the type is in the IANA registry. */
export function isRegisteredExtension(type: number): boolean {
  return NAMES.has(type);
}

/** Defining document of a known extension type. */
export function extensionReference(type: number): string | undefined {
  return REFS.get(type);
}

/** Commonly used extension type numbers, for decoders. */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  alpn: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  delegated_credential: 34,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  quic_transport_parameters: 57,
  application_settings: 17513,
  encrypted_client_hello: 65037,
  ech_outer_extensions: 64768,
  renegotiation_info: 65281,
} as const;
