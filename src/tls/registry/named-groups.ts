/**
 * Supported Groups (formerly EC Named Curves). Source: IANA "TLS Supported Groups" registry
 * (tls-parameters-8.csv): RFC 8422, RFC 7919, RFC 7027, RFC 8734, RFC 9189, RFC 8998, the ML-KEM
 * drafts (draft-connolly-tls-mlkem-key-agreement, draft-kwiatkowski-tls-ecdhe-mlkem) and the
 * obsolete Kyber draft code points still seen on the wire.
 */
import { greaseName, hex16, isGrease } from './grease.js';

export type GroupKind = 'ec' | 'ecx' | 'ffdhe' | 'pq' | 'hybrid' | 'gost' | 'other';

export const NAMED_GROUPS: ReadonlyArray<readonly [number, string, GroupKind]> = [
  [1, 'sect163k1', 'ec'], [2, 'sect163r1', 'ec'], [3, 'sect163r2', 'ec'], [4, 'sect193r1', 'ec'],
  [5, 'sect193r2', 'ec'], [6, 'sect233k1', 'ec'], [7, 'sect233r1', 'ec'], [8, 'sect239k1', 'ec'],
  [9, 'sect283k1', 'ec'], [10, 'sect283r1', 'ec'], [11, 'sect409k1', 'ec'], [12, 'sect409r1', 'ec'],
  [13, 'sect571k1', 'ec'], [14, 'sect571r1', 'ec'], [15, 'secp160k1', 'ec'], [16, 'secp160r1', 'ec'],
  [17, 'secp160r2', 'ec'], [18, 'secp192k1', 'ec'], [19, 'secp192r1', 'ec'], [20, 'secp224k1', 'ec'],
  [21, 'secp224r1', 'ec'], [22, 'secp256k1', 'ec'], [23, 'secp256r1', 'ec'], [24, 'secp384r1', 'ec'],
  [25, 'secp521r1', 'ec'], [26, 'brainpoolP256r1', 'ec'], [27, 'brainpoolP384r1', 'ec'],
  [28, 'brainpoolP512r1', 'ec'], [29, 'x25519', 'ecx'], [30, 'x448', 'ecx'],
  [31, 'brainpoolP256r1tls13', 'ec'], [32, 'brainpoolP384r1tls13', 'ec'], [33, 'brainpoolP512r1tls13', 'ec'],
  [34, 'GC256A', 'gost'], [35, 'GC256B', 'gost'], [36, 'GC256C', 'gost'], [37, 'GC256D', 'gost'],
  [38, 'GC512A', 'gost'], [39, 'GC512B', 'gost'], [40, 'GC512C', 'gost'], [41, 'curveSM2', 'ec'],
  [256, 'ffdhe2048', 'ffdhe'], [257, 'ffdhe3072', 'ffdhe'], [258, 'ffdhe4096', 'ffdhe'],
  [259, 'ffdhe6144', 'ffdhe'], [260, 'ffdhe8192', 'ffdhe'],
  [512, 'MLKEM512', 'pq'], [513, 'MLKEM768', 'pq'], [514, 'MLKEM1024', 'pq'],
  [0x11eb, 'SecP256r1MLKEM768', 'hybrid'], [0x11ec, 'X25519MLKEM768', 'hybrid'],
  [0x11ed, 'SecP384r1MLKEM1024', 'hybrid'],
  [0x6399, 'X25519Kyber768Draft00', 'hybrid'], [0x639a, 'SecP256r1Kyber768Draft00', 'hybrid'],
  [0xff01, 'arbitrary_explicit_prime_curves', 'other'], [0xff02, 'arbitrary_explicit_char2_curves', 'other'],
];

const NAMES = new Map<number, string>();
const KINDS = new Map<number, GroupKind>();
for (const [code, name, kind] of NAMED_GROUPS) {
  NAMES.set(code, name);
  KINDS.set(code, kind);
}

/** IANA name, `GREASE (0x?a?a)`, or `0xXXXX`. */
export function namedGroupName(code: number): string {
  const name = NAMES.get(code);
  if (name !== undefined) return name;
  return isGrease(code) ? greaseName(code) : hex16(code);
}

/** Family of a registered group, undefined otherwise. */
export function namedGroupKind(code: number): GroupKind | undefined {
  return KINDS.get(code);
}
