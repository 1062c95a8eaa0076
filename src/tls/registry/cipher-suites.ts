/**
 * Cipher suite registry: IANA names plus the facts decryption and key-exchange decoding need.
 * The facts are derived from the IANA name itself (TLS_<kx>_WITH_<cipher>_<mac>), whose grammar is
 * fixed by RFC 5246 Appendix A.5 and the RFCs that added suites; TLS 1.3 suites (RFC 8446 §B.4)
 * name only AEAD and hash.
 */
import { CLASSIC_CIPHER_SUITES } from './cipher-suite-names-classic.js';
import { ECC_CIPHER_SUITES } from './cipher-suite-names-ecc.js';
import { greaseName, hex16, isGrease } from './grease.js';

/** How the premaster secret is agreed; decides the ServerKeyExchange / ClientKeyExchange format. */
export type KeyExchangeKind =
  | 'NULL' | 'RSA' | 'DH' | 'DHE' | 'DH_anon' | 'ECDH' | 'ECDHE' | 'ECDH_anon' | 'PSK' | 'DHE_PSK'
  | 'RSA_PSK' | 'ECDHE_PSK' | 'SRP' | 'KRB5' | 'ECCPWD' | 'GOST' | 'TLS13' | 'SCSV';

export type CipherAlgorithm =
  | 'NULL' | 'RC4-40' | 'RC4-128' | 'RC2-CBC-40' | 'IDEA-CBC' | 'DES40-CBC' | 'DES-CBC' | 'DES-CBC-40'
  | '3DES-EDE-CBC' | 'AES-128-CBC' | 'AES-256-CBC' | 'AES-128-GCM' | 'AES-256-GCM' | 'AES-128-CCM'
  | 'AES-256-CCM' | 'AES-128-CCM-8' | 'AES-256-CCM-8' | 'CAMELLIA-128-CBC' | 'CAMELLIA-256-CBC'
  | 'CAMELLIA-128-GCM' | 'CAMELLIA-256-GCM' | 'ARIA-128-CBC' | 'ARIA-256-CBC' | 'ARIA-128-GCM'
  | 'ARIA-256-GCM' | 'SEED-CBC' | 'CHACHA20-POLY1305' | 'AEGIS-256' | 'AEGIS-128L' | 'SM4-GCM'
  | 'SM4-CCM' | 'KUZNYECHIK-CTR-OMAC' | 'MAGMA-CTR-OMAC' | 'GOST28147-CNT-IMIT' | 'KUZNYECHIK-MGM-L'
  | 'MAGMA-MGM-L' | 'KUZNYECHIK-MGM-S' | 'MAGMA-MGM-S';

export type CipherKind = 'null' | 'stream' | 'block' | 'aead';
export type MacAlgorithm = 'NULL' | 'MD5' | 'SHA1' | 'SHA256' | 'SHA384' | 'AEAD' | 'OMAC' | 'IMIT';
export type PrfHash = 'SHA256' | 'SHA384' | 'SM3' | 'STREEBOG256';

export interface CipherSuiteInfo {
  code: number;
  name: string;
  /** TLS 1.3 suite (only cipher + hash; key exchange via key_share). */
  tls13: boolean;
  keyExchange: KeyExchangeKind;
  /** Who authenticates the server: RSA, DSS, ECDSA, anon, PSK, ... ('' for SCSV / NULL). */
  authentication: string;
  /** Export-grade (40/56-bit) suite. */
  export: boolean;
  cipher: CipherAlgorithm;
  cipherKind: CipherKind;
  /** Encryption key length in bytes (0 for NULL). */
  keyLength: number;
  /** TLS 1.2: AEAD implicit (salt) IV length / CBC block length; TLS 1.3: per-record nonce length. */
  ivLength: number;
  /** AEAD tag length in bytes (0 for non-AEAD). */
  tagLength: number;
  mac: MacAlgorithm;
  /** HMAC output length in bytes (0 for AEAD / NULL). */
  macLength: number;
  /** TLS 1.2 PRF hash / TLS 1.3 HKDF hash; null for signalling values and TLS_NULL_WITH_NULL_NULL. */
  prfHash: PrfHash | null;
}

interface CipherFacts {
  cipher: CipherAlgorithm;
  kind: CipherKind;
  key: number;
  iv: number;
  tag: number;
}

/** key/iv/tag lengths: RFC 5246 §6.2.3, RFC 5288 §3 (GCM salt 4), RFC 6655 §3 (CCM), RFC 7905 (ChaCha). */
const CIPHERS: Record<string, CipherFacts> = {
  NULL: { cipher: 'NULL', kind: 'null', key: 0, iv: 0, tag: 0 },
  RC4_40: { cipher: 'RC4-40', kind: 'stream', key: 5, iv: 0, tag: 0 },
  RC4_128: { cipher: 'RC4-128', kind: 'stream', key: 16, iv: 0, tag: 0 },
  RC2_CBC_40: { cipher: 'RC2-CBC-40', kind: 'block', key: 5, iv: 8, tag: 0 },
  IDEA_CBC: { cipher: 'IDEA-CBC', kind: 'block', key: 16, iv: 8, tag: 0 },
  DES40_CBC: { cipher: 'DES40-CBC', kind: 'block', key: 5, iv: 8, tag: 0 },
  DES_CBC_40: { cipher: 'DES-CBC-40', kind: 'block', key: 5, iv: 8, tag: 0 },
  DES_CBC: { cipher: 'DES-CBC', kind: 'block', key: 8, iv: 8, tag: 0 },
  '3DES_EDE_CBC': { cipher: '3DES-EDE-CBC', kind: 'block', key: 24, iv: 8, tag: 0 },
  AES_128_CBC: { cipher: 'AES-128-CBC', kind: 'block', key: 16, iv: 16, tag: 0 },
  AES_256_CBC: { cipher: 'AES-256-CBC', kind: 'block', key: 32, iv: 16, tag: 0 },
  AES_128_GCM: { cipher: 'AES-128-GCM', kind: 'aead', key: 16, iv: 4, tag: 16 },
  AES_256_GCM: { cipher: 'AES-256-GCM', kind: 'aead', key: 32, iv: 4, tag: 16 },
  AES_128_CCM: { cipher: 'AES-128-CCM', kind: 'aead', key: 16, iv: 4, tag: 16 },
  AES_256_CCM: { cipher: 'AES-256-CCM', kind: 'aead', key: 32, iv: 4, tag: 16 },
  AES_128_CCM_8: { cipher: 'AES-128-CCM-8', kind: 'aead', key: 16, iv: 4, tag: 8 },
  AES_256_CCM_8: { cipher: 'AES-256-CCM-8', kind: 'aead', key: 32, iv: 4, tag: 8 },
  CAMELLIA_128_CBC: { cipher: 'CAMELLIA-128-CBC', kind: 'block', key: 16, iv: 16, tag: 0 },
  CAMELLIA_256_CBC: { cipher: 'CAMELLIA-256-CBC', kind: 'block', key: 32, iv: 16, tag: 0 },
  CAMELLIA_128_GCM: { cipher: 'CAMELLIA-128-GCM', kind: 'aead', key: 16, iv: 4, tag: 16 },
  CAMELLIA_256_GCM: { cipher: 'CAMELLIA-256-GCM', kind: 'aead', key: 32, iv: 4, tag: 16 },
  ARIA_128_CBC: { cipher: 'ARIA-128-CBC', kind: 'block', key: 16, iv: 16, tag: 0 },
  ARIA_256_CBC: { cipher: 'ARIA-256-CBC', kind: 'block', key: 32, iv: 16, tag: 0 },
  ARIA_128_GCM: { cipher: 'ARIA-128-GCM', kind: 'aead', key: 16, iv: 4, tag: 16 },
  ARIA_256_GCM: { cipher: 'ARIA-256-GCM', kind: 'aead', key: 32, iv: 4, tag: 16 },
  SEED_CBC: { cipher: 'SEED-CBC', kind: 'block', key: 16, iv: 16, tag: 0 },
  CHACHA20_POLY1305: { cipher: 'CHACHA20-POLY1305', kind: 'aead', key: 32, iv: 12, tag: 16 },
  KUZNYECHIK_CTR_OMAC: { cipher: 'KUZNYECHIK-CTR-OMAC', kind: 'stream', key: 32, iv: 8, tag: 0 },
  MAGMA_CTR_OMAC: { cipher: 'MAGMA-CTR-OMAC', kind: 'stream', key: 32, iv: 4, tag: 0 },
  '28147_CNT_IMIT': { cipher: 'GOST28147-CNT-IMIT', kind: 'stream', key: 32, iv: 8, tag: 0 },
};

/** TLS 1.3-style names: TLS_<aead>_<hash> (RFC 8446 §B.4, RFC 8998, RFC 9150, RFC 9367, AEGIS draft). */
const TLS13: Record<string, { cipher: CipherFacts; prf: PrfHash; mac: MacAlgorithm }> = {
  TLS_AES_128_GCM_SHA256: { cipher: { ...CIPHERS.AES_128_GCM, iv: 12 }, prf: 'SHA256', mac: 'AEAD' },
  TLS_AES_256_GCM_SHA384: { cipher: { ...CIPHERS.AES_256_GCM, iv: 12 }, prf: 'SHA384', mac: 'AEAD' },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: CIPHERS.CHACHA20_POLY1305, prf: 'SHA256', mac: 'AEAD' },
  TLS_AES_128_CCM_SHA256: { cipher: { ...CIPHERS.AES_128_CCM, iv: 12 }, prf: 'SHA256', mac: 'AEAD' },
  TLS_AES_128_CCM_8_SHA256: { cipher: { ...CIPHERS.AES_128_CCM_8, iv: 12 }, prf: 'SHA256', mac: 'AEAD' },
  TLS_AEGIS_256_SHA384: { cipher: { cipher: 'AEGIS-256', kind: 'aead', key: 32, iv: 32, tag: 16 }, prf: 'SHA384', mac: 'AEAD' },
  TLS_AEGIS_128L_SHA256: { cipher: { cipher: 'AEGIS-128L', kind: 'aead', key: 16, iv: 16, tag: 16 }, prf: 'SHA256', mac: 'AEAD' },
  TLS_SM4_GCM_SM3: { cipher: { cipher: 'SM4-GCM', kind: 'aead', key: 16, iv: 12, tag: 16 }, prf: 'SM3', mac: 'AEAD' },
  TLS_SM4_CCM_SM3: { cipher: { cipher: 'SM4-CCM', kind: 'aead', key: 16, iv: 12, tag: 16 }, prf: 'SM3', mac: 'AEAD' },
  TLS_SHA256_SHA256: { cipher: CIPHERS.NULL, prf: 'SHA256', mac: 'SHA256' },
  TLS_SHA384_SHA384: { cipher: CIPHERS.NULL, prf: 'SHA384', mac: 'SHA384' },
  TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L: { cipher: { cipher: 'KUZNYECHIK-MGM-L', kind: 'aead', key: 32, iv: 16, tag: 16 }, prf: 'STREEBOG256', mac: 'AEAD' },
  TLS_GOSTR341112_256_WITH_MAGMA_MGM_L: { cipher: { cipher: 'MAGMA-MGM-L', kind: 'aead', key: 32, iv: 8, tag: 8 }, prf: 'STREEBOG256', mac: 'AEAD' },
  TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S: { cipher: { cipher: 'KUZNYECHIK-MGM-S', kind: 'aead', key: 32, iv: 16, tag: 16 }, prf: 'STREEBOG256', mac: 'AEAD' },
  TLS_GOSTR341112_256_WITH_MAGMA_MGM_S: { cipher: { cipher: 'MAGMA-MGM-S', kind: 'aead', key: 32, iv: 8, tag: 8 }, prf: 'STREEBOG256', mac: 'AEAD' },
};

const MACS: Array<[string, MacAlgorithm, number]> = [
  ['_SHA384', 'SHA384', 48], ['_SHA256', 'SHA256', 32], ['_SHA', 'SHA1', 20], ['_MD5', 'MD5', 16], ['_NULL', 'NULL', 0],
];

/** Key exchange part (between TLS_ and _WITH_) -> [kind, authentication]. */
const KX: Record<string, [KeyExchangeKind, string]> = {
  NULL: ['NULL', ''], RSA: ['RSA', 'RSA'], DH_DSS: ['DH', 'DSS'], DH_RSA: ['DH', 'RSA'],
  DHE_DSS: ['DHE', 'DSS'], DHE_RSA: ['DHE', 'RSA'], DH_anon: ['DH_anon', 'anon'], KRB5: ['KRB5', 'KRB5'],
  PSK: ['PSK', 'PSK'], DHE_PSK: ['DHE_PSK', 'PSK'], PSK_DHE: ['DHE_PSK', 'PSK'], RSA_PSK: ['RSA_PSK', 'RSA'],
  ECDH_ECDSA: ['ECDH', 'ECDSA'], ECDH_RSA: ['ECDH', 'RSA'], ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
  ECDHE_RSA: ['ECDHE', 'RSA'], ECDH_anon: ['ECDH_anon', 'anon'], ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
  SRP_SHA: ['SRP', 'SRP'], SRP_SHA_RSA: ['SRP', 'RSA'], SRP_SHA_DSS: ['SRP', 'DSS'], ECCPWD: ['ECCPWD', 'ECCPWD'],
  GOSTR341112_256: ['GOST', 'GOST'],
};

/** Derive the facts from an IANA cipher suite name; null when the name does not follow the grammar. */
export function deriveCipherSuiteInfo(code: number, name: string): CipherSuiteInfo | null {
  const base = { code, name, export: false };
  if (name.endsWith('_SCSV')) {
    return { ...base, tls13: false, keyExchange: 'SCSV', authentication: '', ...facts(CIPHERS.NULL), mac: 'NULL', macLength: 0, prfHash: null };
  }
  const t13 = TLS13[name];
  if (t13) {
    const macLength = t13.mac === 'SHA256' ? 32 : t13.mac === 'SHA384' ? 48 : 0;
    return { ...base, tls13: true, keyExchange: 'TLS13', authentication: '', ...facts(t13.cipher), mac: t13.mac, macLength, prfHash: t13.prf };
  }
  const m = /^TLS_(.+?)(_EXPORT)?_WITH_(.+)$/.exec(name);
  if (!m) return null;
  const kx = KX[m[1]];
  if (!kx) return null;
  let rest = m[3];
  let mac: MacAlgorithm | null = null;
  let macLength = 0;
  for (const [suffix, alg, len] of MACS) {
    if (rest.endsWith(suffix) && CIPHERS[rest.slice(0, -suffix.length)]) {
      rest = rest.slice(0, -suffix.length);
      mac = alg;
      macLength = len;
      break;
    }
  }
  const cipher = CIPHERS[rest];
  if (!cipher) return null;
  if (mac === null) mac = cipher.kind === 'aead' ? 'AEAD' : rest.endsWith('OMAC') ? 'OMAC' : 'IMIT';
  let prfHash: PrfHash | null = mac === 'SHA384' ? 'SHA384' : 'SHA256';
  if (kx[0] === 'GOST') prfHash = 'STREEBOG256';
  if (kx[0] === 'NULL') prfHash = null;
  if (cipher.kind === 'aead') {
    mac = 'AEAD';
    macLength = 0;
  }
  return {
    ...base,
    export: m[2] !== undefined,
    tls13: false,
    keyExchange: kx[0],
    authentication: kx[1],
    ...facts(cipher),
    mac,
    macLength,
    prfHash,
  };
}

function facts(c: CipherFacts): Pick<CipherSuiteInfo, 'cipher' | 'cipherKind' | 'keyLength' | 'ivLength' | 'tagLength'> {
  return { cipher: c.cipher, cipherKind: c.kind, keyLength: c.key, ivLength: c.iv, tagLength: c.tag };
}

const NAMES = new Map<number, string>();
for (const [code, name] of CLASSIC_CIPHER_SUITES) NAMES.set(code, name);
for (const [code, name] of ECC_CIPHER_SUITES) NAMES.set(code, name);

let infoCache: Map<number, CipherSuiteInfo> | null = null;

/** IANA name; `GREASE (0x?a?a)` for GREASE and `0xXXXX` for an unknown code. */
export function cipherSuiteName(code: number): string {
  const name = NAMES.get(code);
  if (name !== undefined) return name;
  return isGrease(code) ? greaseName(code) : hex16(code);
}

/** Facts for a registered suite; undefined for GREASE / unknown codes. */
export function cipherSuiteInfo(code: number): CipherSuiteInfo | undefined {
  if (infoCache === null) {
    infoCache = new Map();
    for (const [c, n] of NAMES) {
      const info = deriveCipherSuiteInfo(c, n);
      if (info) infoCache.set(c, info);
    }
  }
  return infoCache.get(code);
}

/** Every registered suite code (ascending), for tests and listings. */
export function cipherSuiteCodes(): number[] {
  return [...NAMES.keys()].sort((a, b) => a - b);
}

/** Code for an IANA name (exact match), or undefined. */
export function cipherSuiteByName(name: string): number | undefined {
  for (const [code, n] of NAMES) if (n === name) return code;
  return undefined;
}
