/**
 * The cipher suites this module can decrypt, with exactly the parameters decryption needs.
 *
 * Deliberately separate from the general cipher-suite registry (src/tls/registry): decryption must
 * know lengths and algorithms exactly, and only for the suites it implements.
 *
 * Sources: RFC 8446 §B.4 (TLS 1.3), RFC 5246 §6.3 / App. C (key block), RFC 5288 and RFC 5289 (GCM,
 * SHA-384 PRF), RFC 6655 and RFC 7251 (CCM), RFC 7905 (ChaCha20-Poly1305), RFC 5246/4346/2246
 * (CBC suites).
 */

export type HashName = 'sha256' | 'sha384';
export type MacHashName = 'sha1' | 'sha256' | 'sha384';
export type AeadCipherName =
  | 'aes-128-gcm'
  | 'aes-256-gcm'
  | 'chacha20-poly1305'
  | 'aes-128-ccm'
  | 'aes-256-ccm';
export type CbcCipherName = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

/** AEAD record protection parameters (TLS 1.3 and TLS 1.2 AEAD suites). */
export interface AeadParams {
  cipher: AeadCipherName;
  keyLength: number;
  /** Authentication tag length: 16, or 8 for the *_CCM_8 suites. */
  tagLength: 16 | 8;
}

export interface Tls13SuiteParams extends AeadParams {
  suite: number;
  name: string;
  protocol: 'tls13';
  /** HKDF hash. */
  hash: HashName;
  /** Always 12 (RFC 8446 §5.3: max(8, N_MIN) for all defined AEADs). */
  ivLength: 12;
}

export interface Tls12AeadSuiteParams extends AeadParams {
  suite: number;
  name: string;
  protocol: 'tls12';
  kind: 'aead';
  /** TLS 1.2 PRF hash. */
  prfHash: HashName;
  /** Implicit IV from the key block: 4 (GCM, CCM salt) or 12 (ChaCha20-Poly1305). */
  fixedIvLength: 4 | 12;
  /** Per-record explicit nonce: 8 (GCM, CCM) or 0 (ChaCha20-Poly1305, RFC 7905). */
  explicitNonceLength: 8 | 0;
}

export interface Tls12CbcSuiteParams {
  suite: number;
  name: string;
  protocol: 'tls12';
  kind: 'cbc';
  /** PRF hash when the version is TLS 1.2 (TLS 1.0/1.1 always use the MD5/SHA-1 PRF). */
  prfHash: HashName;
  cipher: CbcCipherName;
  keyLength: number;
  blockLength: 16 | 8;
  macHash: MacHashName;
  macLength: 20 | 32 | 48;
  /** First protocol version that allows the suite (0x0303 for the SHA-256/384 MAC suites). */
  minVersion: number;
}

export type Tls12SuiteParams = Tls12AeadSuiteParams | Tls12CbcSuiteParams;
export type SuiteParams = Tls13SuiteParams | Tls12SuiteParams;

function tls13(suite: number, name: string, hash: HashName, cipher: AeadCipherName,
  keyLength: number, tagLength: 16 | 8 = 16): Tls13SuiteParams {
  return { suite, name, protocol: 'tls13', hash, cipher, keyLength, ivLength: 12, tagLength };
}

function aead12(suite: number, name: string, prfHash: HashName, cipher: AeadCipherName,
  keyLength: number, tagLength: 16 | 8 = 16): Tls12AeadSuiteParams {
  const chacha = cipher === 'chacha20-poly1305';
  return {
    suite, name, protocol: 'tls12', kind: 'aead', prfHash, cipher, keyLength, tagLength,
    fixedIvLength: chacha ? 12 : 4, explicitNonceLength: chacha ? 0 : 8,
  };
}

function cbc12(suite: number, name: string, cipher: CbcCipherName, macHash: MacHashName,
  prfHash: HashName = 'sha256'): Tls12CbcSuiteParams {
  const keyLength = cipher === 'aes-128-cbc' ? 16 : cipher === 'aes-256-cbc' ? 32 : 24;
  const macLength = macHash === 'sha1' ? 20 : macHash === 'sha256' ? 32 : 48;
  return {
    suite, name, protocol: 'tls12', kind: 'cbc', prfHash, cipher, keyLength,
    blockLength: cipher === 'des-ede3-cbc' ? 8 : 16, macHash, macLength,
    minVersion: macHash === 'sha1' ? 0x0301 : 0x0303,
  };
}

const TABLE: SuiteParams[] = [
  // TLS 1.3 (RFC 8446 §B.4)
  tls13(0x1301, 'TLS_AES_128_GCM_SHA256', 'sha256', 'aes-128-gcm', 16),
  tls13(0x1302, 'TLS_AES_256_GCM_SHA384', 'sha384', 'aes-256-gcm', 32),
  tls13(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'sha256', 'chacha20-poly1305', 32),
  tls13(0x1304, 'TLS_AES_128_CCM_SHA256', 'sha256', 'aes-128-ccm', 16),
  tls13(0x1305, 'TLS_AES_128_CCM_8_SHA256', 'sha256', 'aes-128-ccm', 16, 8),
  // TLS 1.2 AES-GCM (RFC 5288, RFC 5289)
  aead12(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'sha256', 'aes-128-gcm', 16),
  aead12(0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'sha384', 'aes-256-gcm', 32),
  aead12(0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'sha256', 'aes-128-gcm', 16),
  aead12(0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'sha384', 'aes-256-gcm', 32),
  aead12(0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'sha256', 'aes-128-gcm', 16),
  aead12(0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'sha384', 'aes-256-gcm', 32),
  aead12(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'sha256', 'aes-128-gcm', 16),
  aead12(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'sha384', 'aes-256-gcm', 32),
  // TLS 1.2 ChaCha20-Poly1305 (RFC 7905)
  aead12(0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'sha256', 'chacha20-poly1305', 32),
  aead12(0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'sha256', 'chacha20-poly1305', 32),
  aead12(0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'sha256', 'chacha20-poly1305', 32),
  // TLS 1.2 AES-CCM (RFC 6655, RFC 7251)
  aead12(0xc09c, 'TLS_RSA_WITH_AES_128_CCM', 'sha256', 'aes-128-ccm', 16),
  aead12(0xc09d, 'TLS_RSA_WITH_AES_256_CCM', 'sha256', 'aes-256-ccm', 32),
  aead12(0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM', 'sha256', 'aes-128-ccm', 16),
  aead12(0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM', 'sha256', 'aes-256-ccm', 32),
  aead12(0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8', 'sha256', 'aes-128-ccm', 16, 8),
  aead12(0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8', 'sha256', 'aes-256-ccm', 32, 8),
  aead12(0xc0a2, 'TLS_DHE_RSA_WITH_AES_128_CCM_8', 'sha256', 'aes-128-ccm', 16, 8),
  aead12(0xc0a3, 'TLS_DHE_RSA_WITH_AES_256_CCM_8', 'sha256', 'aes-256-ccm', 32, 8),
  aead12(0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'sha256', 'aes-128-ccm', 16),
  aead12(0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', 'sha256', 'aes-256-ccm', 32),
  aead12(0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'sha256', 'aes-128-ccm', 16, 8),
  aead12(0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', 'sha256', 'aes-256-ccm', 32, 8),
  // CBC with HMAC-SHA1 (TLS 1.0+)
  cbc12(0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1'),
  cbc12(0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1'),
  cbc12(0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1'),
  cbc12(0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'des-ede3-cbc', 'sha1'),
  cbc12(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1'),
  cbc12(0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1'),
  cbc12(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1'),
  cbc12(0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1'),
  cbc12(0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1'),
  cbc12(0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1'),
  cbc12(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'aes-128-cbc', 'sha1'),
  cbc12(0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'aes-256-cbc', 'sha1'),
  // CBC with HMAC-SHA256/384 (TLS 1.2 only, RFC 5246, RFC 5289)
  cbc12(0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256'),
  cbc12(0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256'),
  cbc12(0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256'),
  cbc12(0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'aes-256-cbc', 'sha256'),
  cbc12(0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256'),
  cbc12(0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384', 'sha384'),
  cbc12(0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'aes-128-cbc', 'sha256'),
  cbc12(0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'aes-256-cbc', 'sha384', 'sha384'),
];

const BY_NUMBER = new Map<number, SuiteParams>(TABLE.map((p) => [p.suite, p]));

/** Decryption parameters of `suite`, or undefined when this module cannot decrypt it. */
export function suiteParams(suite: number): SuiteParams | undefined {
  return BY_NUMBER.get(suite);
}

/** Every suite number `suiteParams` knows, ascending. */
export function decryptableSuites(): number[] {
  return [...BY_NUMBER.keys()].sort((a, b) => a - b);
}

export function hashLength(hash: HashName | MacHashName): number {
  return hash === 'sha1' ? 20 : hash === 'sha256' ? 32 : 48;
}
