/**
 * Small code tables used inside handshake messages. Sources: IANA TLS registries
 * (tls-parameters-2 ClientCertificateType, -9 EC point formats, -10 EC curve types,
 * tls-pskkeyexchangemode, tls-certificate-compression-algorithm-ids, certificate status types,
 * TLS Certificate Types), RFC 5246 §7.4.1.2 (compression), RFC 6066 (server name type, max
 * fragment length), RFC 6520 (heartbeat), RFC 8446 §4.6.3 (KeyUpdateRequest), and the SSL 2.0
 * specification / RFC 6101 Appendix E (SSLv2 CIPHER-SPECs).
 */
import { hex8 } from './grease.js';

function lookup(table: Readonly<Record<number, string>>, code: number): string {
  return table[code] ?? hex8(code);
}

export const COMPRESSION_METHODS: Readonly<Record<number, string>> = { 0: 'null', 1: 'DEFLATE', 64: 'LZS' };
export const compressionMethodName = (c: number): string => lookup(COMPRESSION_METHODS, c);

/** CertificateRequest certificate_types (TLS 1.2 and older). */
export const CLIENT_CERTIFICATE_TYPES: Readonly<Record<number, string>> = {
  1: 'rsa_sign', 2: 'dss_sign', 3: 'rsa_fixed_dh', 4: 'dss_fixed_dh', 5: 'rsa_ephemeral_dh',
  6: 'dss_ephemeral_dh', 20: 'fortezza_dms', 64: 'ecdsa_sign', 65: 'rsa_fixed_ecdh',
  66: 'ecdsa_fixed_ecdh', 67: 'gost_sign256', 68: 'gost_sign512',
};
export const clientCertificateTypeName = (c: number): string => lookup(CLIENT_CERTIFICATE_TYPES, c);

export const EC_POINT_FORMATS: Readonly<Record<number, string>> = {
  0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2',
};
export const ecPointFormatName = (c: number): string => lookup(EC_POINT_FORMATS, c);

export const EC_CURVE_TYPES: Readonly<Record<number, string>> = { 1: 'explicit_prime', 2: 'explicit_char2', 3: 'named_curve' };
export const ecCurveTypeName = (c: number): string => lookup(EC_CURVE_TYPES, c);

export const PSK_KEY_EXCHANGE_MODES: Readonly<Record<number, string>> = { 0: 'psk_ke', 1: 'psk_dhe_ke' };
export const pskKeyExchangeModeName = (c: number): string => lookup(PSK_KEY_EXCHANGE_MODES, c);

/** RFC 8879 CertificateCompressionAlgorithm (16-bit). */
export const CERT_COMPRESSION_ALGORITHMS: Readonly<Record<number, string>> = { 1: 'zlib', 2: 'brotli', 3: 'zstd' };
export function certCompressionAlgorithmName(c: number): string {
  return CERT_COMPRESSION_ALGORITHMS[c] ?? '0x' + c.toString(16).padStart(4, '0');
}

/** CertificateStatusType (RFC 6066 §8, RFC 6961). */
export const CERTIFICATE_STATUS_TYPES: Readonly<Record<number, string>> = { 1: 'ocsp', 2: 'ocsp_multi' };
export const certificateStatusTypeName = (c: number): string => lookup(CERTIFICATE_STATUS_TYPES, c);

/** RFC 7250 / IANA TLS Certificate Types (client_certificate_type, server_certificate_type). */
export const CERTIFICATE_TYPES: Readonly<Record<number, string>> = { 0: 'X509', 1: 'OpenPGP', 2: 'RawPublicKey', 3: '1609Dot2' };
export const certificateTypeName = (c: number): string => lookup(CERTIFICATE_TYPES, c);

export const SERVER_NAME_TYPES: Readonly<Record<number, string>> = { 0: 'host_name' };

/** RFC 6066 §4 MaxFragmentLength -> bytes. */
export const MAX_FRAGMENT_LENGTHS: Readonly<Record<number, number>> = { 1: 512, 2: 1024, 3: 2048, 4: 4096 };

export const HEARTBEAT_MODES: Readonly<Record<number, string>> = { 1: 'peer_allowed_to_send', 2: 'peer_not_allowed_to_send' };
export const heartbeatModeName = (c: number): string => lookup(HEARTBEAT_MODES, c);

/** RFC 8446 §4.6.3 KeyUpdateRequest. */
export const KEY_UPDATE_REQUESTS: Readonly<Record<number, string>> = { 0: 'update_not_requested', 1: 'update_requested' };
export const keyUpdateRequestName = (c: number): string => lookup(KEY_UPDATE_REQUESTS, c);

/** SSL 2.0 CIPHER-SPECs (3 bytes); SSLv2-compatible ClientHellos also carry TLS suites as 0x00XXXX. */
export const SSL2_CIPHER_SPECS: Readonly<Record<number, string>> = {
  0x010080: 'SSL_CK_RC4_128_WITH_MD5',
  0x020080: 'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
  0x030080: 'SSL_CK_RC2_128_CBC_WITH_MD5',
  0x040080: 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5',
  0x050080: 'SSL_CK_IDEA_128_CBC_WITH_MD5',
  0x060040: 'SSL_CK_DES_64_CBC_WITH_MD5',
  0x0700c0: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5',
  0x080080: 'SSL_CK_RC4_64_WITH_MD5',
};
