/**
 * Certificates in the model: X.509 parsing is done once per distinct certificate by the x509
 * cache (src/tls/x509); here CertInfo becomes the report's CertificateModel, and DN strings get
 * comparison keys. Models are shared and frozen: one per distinct certificate.
 */
import { CertificateCache, parseDistinguishedName, type CertInfo } from '../tls/x509/index.js';
import { isInternedDer } from '../tls/der-interner.js';
import type { CertificateModel } from './model.js';
import { rememberDnKey } from './dn-key.js';

// the reports compare names without loading the X.509 parser: the key lives in ./dn-key.ts
export { dnKeyOfString } from './dn-key.js';

export interface CertContext {
  certs: CertificateCache;
  /** Trust anchors from --ca bundles (offline chain verification), if any. */
  trusted?: CertInfo[];
}

const infoOf = new WeakMap<CertificateModel, CertInfo>();
const MAX_DN_CACHE = 10_000;

export function newCertContext(trusted?: CertInfo[]): CertContext {
  return { certs: new CertificateCache(), trusted };
}

/** One frozen model per parsed certificate, shared by every connection that carries it. */
const modelOf = new WeakMap<CertInfo, CertificateModel>();

export function certificateModel(der: Uint8Array, ctx: CertContext): CertificateModel {
  const info = ctx.certs.get(der);
  let m = modelOf.get(info);
  if (m === undefined) {
    m = Object.freeze(modelOfInfo(info));
    modelOf.set(info, m);
    infoOf.set(m, info);
  }
  return m;
}

function modelOfInfo(info: CertInfo): CertificateModel {
  const m: CertificateModel = {
    subject: info.subject,
    issuer: info.issuer,
    notBefore: info.notBefore ?? '1970-01-01T00:00:00Z',
    notAfter: info.notAfter ?? '1970-01-01T00:00:00Z',
    sha256: info.sha256,
  };
  if (info.serialNumber) m.serialNumber = info.serialNumber;
  if (info.subjectAltNames.length > 0) m.subjectAltNames = info.subjectAltNames;
  if (info.extendedKeyUsagePresent) m.extendedKeyUsage = info.extendedKeyUsage;
  if (info.keyUsagePresent) m.keyUsage = info.keyUsage;
  if (info.publicKey) m.publicKey = info.publicKey;
  if (info.signatureAlgorithm) m.signatureAlgorithm = info.signatureAlgorithm;
  m.selfSigned = info.selfSigned;
  if (info.basicConstraints) m.isCa = info.basicConstraints.ca;
  if (info.error) m.error = info.error;
  return m;
}

/** The parsed certificate behind a model (for chain checks). */
export function certInfoOf(m: CertificateModel): CertInfo | undefined {
  return infoOf.get(m);
}

const dnByDer = new Map<string, string>();
/** The tls stage's shared (immutable) copies of CA names, by identity (they die with the copies). */
const dnByInterned = new WeakMap<Uint8Array, string>();

/** RFC 4514 string of a DER Name (CertificateRequest CA lists); parsed once per distinct Name. */
export function dnString(der: Uint8Array): string {
  const interned = isInternedDer(der);
  const known = interned ? dnByInterned.get(der) : undefined;
  if (known !== undefined) return known;
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  let s = dnByDer.get(key);
  if (s === undefined) {
    s = parseDnString(der);
    if (dnByDer.size >= MAX_DN_CACHE) dnByDer.clear();
    dnByDer.set(key, s);
  }
  if (interned) dnByInterned.set(der, s);
  return s;
}

function parseDnString(der: Uint8Array): string {
  const r = parseDistinguishedName(der);
  if ('error' in r) return `(unparseable name: ${r.error})`;
  rememberDnKey(r.rfc4514, r.normalized);
  return r.rfc4514;
}

