/**
 * Certificate facts in the shapes other tools' logs use (Zeek x509.log, ECS x509.*): DN attribute
 * lists, key algorithm / type / size / curve / exponent, SAN entries by kind, hostname matching,
 * capture times as epoch seconds. From the report's CertificateModel and the parsed certificate
 * behind it (one parse per distinct certificate, done by the x509 cache).
 */
import { certInfoOf } from '../analysis/certificates.js';
import type { CertificateModel } from '../analysis/model.js';

/** `CN=a\,b,O=x+OU=y` → [['CN','a,b'],['O','x'],['OU','y']] (RFC 4514 escapes undone). */
export function dnAttributes(dn: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let key = '';
  let val = '';
  let inKey = true;
  const flush = (): void => {
    if (key !== '') out.push([key.trim(), val]);
    key = '';
    val = '';
    inKey = true;
  };
  for (let i = 0; i < dn.length && out.length < 256; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      const hex = dn.slice(i + 1, i + 3);
      let ch = dn[i + 1]!;
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        ch = String.fromCharCode(parseInt(hex, 16));
        i += 2;
      } else i += 1;
      if (inKey) key += ch;
      else val += ch;
    } else if (inKey && c === '=') inKey = false;
    else if (c === ',' || c === '+') flush();
    else if (inKey) key += c;
    else val += c;
  }
  flush();
  return out;
}

/** Values of one attribute type (e.g. every CN), in DN order. */
export function dnValues(attrs: ReadonlyArray<[string, string]>, type: string): string[] {
  const out: string[] = [];
  for (const [k, v] of attrs) if (k.toUpperCase() === type) out.push(v);
  return out;
}

export interface KeyFacts {
  /** OpenSSL long name of the key algorithm (Zeek's key_alg): rsaEncryption, id-ecPublicKey, … */
  alg?: string;
  /** Zeek's key_type: rsa, dsa, ecdsa. */
  type?: string;
  /** ECS public_key_algorithm: RSA, ECDSA, DSA, Ed25519 … */
  ecsAlg?: string;
  bits?: number;
  /** OpenSSL short curve name (prime256v1, secp384r1, …). */
  curve?: string;
  exponent?: string;
}

const CURVE_BITS: Record<string, [string, number]> = {
  'P-256': ['prime256v1', 256],
  'P-384': ['secp384r1', 384],
  'P-521': ['secp521r1', 521],
  'P-224': ['secp224r1', 224],
  'P-192': ['prime192v1', 192],
  secp256k1: ['secp256k1', 256],
  brainpoolP256r1: ['brainpoolP256r1', 256],
  brainpoolP384r1: ['brainpoolP384r1', 384],
  brainpoolP512r1: ['brainpoolP512r1', 512],
};

/** From the model's `publicKey` ("RSA 2048", "EC P-256", "Ed25519", …) and the parsed exponent. */
export function keyFacts(m: CertificateModel): KeyFacts {
  const pk = m.publicKey ?? '';
  const f: KeyFacts = {};
  const exponent = certInfoOf(m)?.publicKeyExponent;
  let r: RegExpExecArray | null;
  if ((r = /^(RSA|RSA-PSS|DSA)(?: (\d+))?$/.exec(pk))) {
    const kind = r[1]!;
    f.alg = kind === 'RSA' ? 'rsaEncryption' : kind === 'RSA-PSS' ? 'rsassaPss' : 'dsaEncryption';
    f.type = kind === 'DSA' ? 'dsa' : 'rsa';
    f.ecsAlg = kind;
    if (r[2]) f.bits = Number(r[2]);
    if (exponent !== undefined && f.type === 'rsa') f.exponent = exponent;
  } else if ((r = /^EC (.+)$/.exec(pk))) {
    f.alg = 'id-ecPublicKey';
    f.type = 'ecdsa';
    f.ecsAlg = 'ECDSA';
    const c = CURVE_BITS[r[1]!];
    if (c) {
      f.curve = c[0];
      f.bits = c[1];
    }
  } else if (pk === 'Ed25519' || pk === 'Ed448') {
    f.alg = pk.toUpperCase();
    f.ecsAlg = pk;
  } else if (pk !== '') {
    f.ecsAlg = pk;
  }
  return f;
}

export interface SanFacts {
  dns: string[];
  uri: string[];
  email: string[];
  ip: string[];
}

/** SAN entries by kind; undefined when the certificate has no SAN extension entries. */
export function sanFacts(m: CertificateModel): SanFacts | undefined {
  const list = m.subjectAltNames;
  if (!list || list.length === 0) return undefined;
  const s: SanFacts = { dns: [], uri: [], email: [], ip: [] };
  for (const e of list) {
    const i = e.indexOf(':');
    const kind = e.slice(0, i);
    const v = e.slice(i + 1);
    if (kind === 'DNS') s.dns.push(v);
    else if (kind === 'URI') s.uri.push(v);
    else if (kind === 'email') s.email.push(v);
    else if (kind === 'IP') s.ip.push(v);
  }
  return s;
}

/** X.509 version (1..3) of the parsed certificate. */
export function certVersion(m: CertificateModel): number | undefined {
  return certInfoOf(m)?.version;
}

export function pathLen(m: CertificateModel): number | undefined {
  return certInfoOf(m)?.basicConstraints?.pathLen;
}

export function hasBasicConstraints(m: CertificateModel): boolean {
  return certInfoOf(m)?.basicConstraints !== undefined;
}

/** Does `name` match the certificate: DNS SANs (leftmost `*` for one label), else the subject CN. */
export function hostnameMatches(m: CertificateModel, name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const san = sanFacts(m);
  const names = san && san.dns.length > 0 ? san.dns : dnValues(dnAttributes(m.subject), 'CN');
  for (const raw of names) {
    const pat = raw.toLowerCase().replace(/\.$/, '');
    if (pat === host) return true;
    if (pat.startsWith('*.') && pat.indexOf('*', 1) < 0) {
      const dot = host.indexOf('.');
      if (dot > 0 && host.slice(dot + 1) === pat.slice(2)) return true;
    }
  }
  return false;
}

/**
 * RFC 3339 time (as isoTime writes it) → epoch seconds with 6 decimals, as text (no float
 * rounding): "2026-11-23T22:41:42.159918Z" → "1795473702.159918". Undefined if unparseable.
 */
export function epochMicros(iso: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(ms)) return undefined;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return `${Math.floor(ms / 1000)}.${frac}`;
}
