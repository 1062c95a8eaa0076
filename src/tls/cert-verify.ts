/**
 * CertificateVerify signatures checked with node:crypto against the public key of the signer's
 * certificate: TLS 1.3 (RFC 8446 §4.4.3: 64 spaces, the context string, 0x00, the transcript hash)
 * and TLS 1.2 (RFC 5246 §7.4.8: the handshake messages themselves). Schemes: RSA PKCS#1 v1.5,
 * RSA-PSS (rsae and pss keys, salt = digest length), ECDSA (DER signatures), Ed25519, Ed448, DSA.
 * Public keys are loaded once per distinct certificate (bounded cache).
 */
import { constants, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { BytesLru, hashBytes } from './bytes-lru.js';
import { copyBytes } from '../net/bytes.js';
import { signatureSchemeName } from './registry/signature-schemes.js';

export interface SignatureCheck {
  valid: boolean;
  /** Scheme name (RFC 8446 §4.2.3 / IANA). */
  scheme: string;
  /** Why it did not verify, or why it could not be checked. */
  reason?: string;
  /** False when the check could not be made (unknown scheme, unloadable key): `valid` means nothing then. */
  checked: boolean;
}

interface Scheme {
  /** node:crypto digest; null = the algorithm hashes itself (EdDSA). */
  hash: string | null;
  kind: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448' | 'dsa';
}

const HASHES: Record<number, string> = { 1: 'md5', 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };

function schemeOf(code: number): Scheme | undefined {
  switch (code) {
    case 0x0804: case 0x0809: return { hash: 'sha256', kind: 'rsa-pss' };
    case 0x0805: case 0x080a: return { hash: 'sha384', kind: 'rsa-pss' };
    case 0x0806: case 0x080b: return { hash: 'sha512', kind: 'rsa-pss' };
    case 0x0807: return { hash: null, kind: 'ed25519' };
    case 0x0808: return { hash: null, kind: 'ed448' };
    default: break;
  }
  // TLS 1.2 (HashAlgorithm, SignatureAlgorithm) pairs, RFC 5246 §7.4.1.4.1: rsa(1), dsa(2), ecdsa(3)
  const hash = HASHES[code >> 8];
  const sig = code & 0xff;
  if (!hash || sig < 1 || sig > 3) return undefined;
  return { hash, kind: sig === 1 ? 'rsa' : sig === 2 ? 'dsa' : 'ecdsa' };
}

/** node:crypto asymmetricKeyType values each kind accepts. */
const KEY_TYPES: Record<Scheme['kind'], string[]> = {
  rsa: ['rsa'],
  'rsa-pss': ['rsa', 'rsa-pss'],
  ecdsa: ['ec'],
  ed25519: ['ed25519'],
  ed448: ['ed448'],
  dsa: ['dsa'],
};

const keys = new BytesLru<KeyObject | string>(1000, 8 * 1024 * 1024);

/** The certificate's public key (memoized per distinct DER), or why node:crypto cannot load it. */
function publicKeyOf(der: Uint8Array): KeyObject | string {
  const hash = hashBytes(der);
  const hit = keys.find(der, hash);
  if (hit !== undefined) return hit.value;
  let key: KeyObject | string;
  try {
    key = new X509Certificate(der).publicKey;
  } catch (err) {
    key = `the certificate's public key cannot be loaded (${err instanceof Error ? err.message : String(err)})`;
  }
  keys.add(copyBytes(der), key, hash);
  return key;
}

const SPACES = new Uint8Array(64).fill(0x20);

/** RFC 8446 §4.4.3: the bytes a TLS 1.3 CertificateVerify signs. */
export function tls13SignedContent(transcriptHash: Uint8Array, fromServer: boolean): Buffer {
  const context = Buffer.from(`TLS 1.3, ${fromServer ? 'server' : 'client'} CertificateVerify`, 'latin1');
  return Buffer.concat([SPACES, context, new Uint8Array([0]), transcriptHash]);
}

/**
 * Verifies `signature` (scheme `code`) over `signed` with the public key of certificate `der`.
 * Never throws: a signature that cannot be checked says so (checked: false).
 */
export function checkSignature(der: Uint8Array, code: number, signature: Uint8Array, signed: Uint8Array): SignatureCheck {
  const scheme = signatureSchemeName(code);
  const s = schemeOf(code);
  if (!s) return { checked: false, valid: false, scheme, reason: `signature scheme ${scheme} is not one this tool checks` };
  const key = publicKeyOf(der);
  if (typeof key === 'string') return { checked: false, valid: false, scheme, reason: key };
  const type = key.asymmetricKeyType ?? 'unknown';
  if (!KEY_TYPES[s.kind].includes(type)) {
    return { checked: true, valid: false, scheme, reason: `the certificate holds ${describeKey(key)}, which cannot make a ${scheme} signature` };
  }
  const opts =
    s.kind === 'rsa-pss'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : s.kind === 'rsa'
        ? { key, padding: constants.RSA_PKCS1_PADDING }
        : { key, dsaEncoding: 'der' as const };
  try {
    const ok = verify(s.hash, signed, opts, signature);
    return ok
      ? { checked: true, valid: true, scheme }
      : { checked: true, valid: false, scheme, reason: `the signature does not verify with the certificate's ${describeKey(key)}` };
  } catch (err) {
    // malformed signature encodings (bad DER, wrong length) are invalid signatures too
    return { checked: true, valid: false, scheme, reason: `the signature does not verify with the certificate's ${describeKey(key)} (${err instanceof Error ? err.message : String(err)})` };
  }
}

function describeKey(key: KeyObject): string {
  const t = key.asymmetricKeyType;
  const d = key.asymmetricKeyDetails;
  if ((t === 'rsa' || t === 'rsa-pss') && d?.modulusLength) return `${t.toUpperCase()} ${d.modulusLength}-bit key`;
  if (t === 'ec' && d?.namedCurve) return `EC ${d.namedCurve} key`;
  return `${t ?? 'unknown'} key`;
}
