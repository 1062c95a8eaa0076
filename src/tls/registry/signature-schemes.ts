/**
 * SignatureScheme (TLS 1.3, RFC 8446 §4.2.3) and the TLS 1.2 SignatureAndHashAlgorithm pairs it
 * superseded (RFC 5246 §7.4.1.4.1: high byte = HashAlgorithm, low byte = SignatureAlgorithm).
 * Source: IANA "TLS SignatureScheme" registry (tls-signaturescheme.csv) and the IANA
 * "TLS HashAlgorithm" / "TLS SignatureAlgorithm" registries.
 */
import { greaseName, hex16, isGrease } from './grease.js';

export const SIGNATURE_SCHEMES: ReadonlyArray<readonly [number, string]> = [
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0420, 'rsa_pkcs1_sha256_legacy'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0520, 'rsa_pkcs1_sha384_legacy'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0620, 'rsa_pkcs1_sha512_legacy'],
  [0x0704, 'eccsi_sha256'],
  [0x0705, 'iso_ibs1'],
  [0x0706, 'iso_ibs2'],
  [0x0707, 'iso_chinese_ibs'],
  [0x0708, 'sm2sig_sm3'],
  [0x0709, 'gostr34102012_256a'],
  [0x070a, 'gostr34102012_256b'],
  [0x070b, 'gostr34102012_256c'],
  [0x070c, 'gostr34102012_256d'],
  [0x070d, 'gostr34102012_512a'],
  [0x070e, 'gostr34102012_512b'],
  [0x070f, 'gostr34102012_512c'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
];

/** TLS 1.2 HashAlgorithm (RFC 5246 §7.4.1.4.1, RFC 8422 intrinsic). */
export const HASH_ALGORITHMS: Readonly<Record<number, string>> = {
  0: 'none', 1: 'md5', 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512', 8: 'intrinsic',
};

/** TLS 1.2 SignatureAlgorithm (RFC 5246, RFC 8422, RFC 9189). */
export const SIGNATURE_ALGORITHMS: Readonly<Record<number, string>> = {
  0: 'anonymous', 1: 'rsa', 2: 'dsa', 3: 'ecdsa', 7: 'ed25519', 8: 'ed448',
  64: 'gostr34102012_256', 65: 'gostr34102012_512',
};

const NAMES = new Map<number, string>(SIGNATURE_SCHEMES.map(([c, n]) => [c, n] as [number, string]));

/**
 * Registered SignatureScheme name; otherwise the TLS 1.2 pair as `<signature>_<hash>` (e.g.
 * `dsa_sha256`, `ecdsa_sha224`) when both bytes are known TLS 1.2 values; GREASE; else `0xXXXX`.
 */
export function signatureSchemeName(code: number): string {
  const name = NAMES.get(code);
  if (name !== undefined) return name;
  if (isGrease(code)) return greaseName(code);
  const hash = HASH_ALGORITHMS[code >> 8];
  const sig = SIGNATURE_ALGORITHMS[code & 0xff];
  if (hash !== undefined && sig !== undefined && code >> 8 >= 1 && code >> 8 <= 6) return `${sig}_${hash}`;
  return hex16(code);
}

/** True when the code is in the IANA SignatureScheme registry. */
export function isRegisteredSignatureScheme(code: number): boolean {
  return NAMES.has(code);
}
