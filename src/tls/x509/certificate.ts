/**
 * Builds a CertInfo from DER with @peculiar/asn1-x509. node:crypto's X509Certificate is used for
 * signatures (node-x509.ts), here only for self-signed roots and as a fallback reader for
 * certificates the ASN.1 schema rejects. Never throws on malformed input.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Time } from '@peculiar/asn1-x509';
import { BER_OPTIONS, UNPARSEABLE_NAME, formatName } from './distinguished-name.js';
import { decodeExtensions } from './extensions.js';
import { isSignedBy, x509ErrorOf, x509Of } from './node-x509.js';
import { CURVE_NAMES, PUBLIC_KEY_ALGORITHM_NAMES, SIGNATURE_ALGORITHM_NAMES } from './oids.js';
import { describeSubjectPublicKey, rsaPublicExponent } from './public-key.js';
import { CertificateWithRawNames } from './raw-schema.js';
import type { CertInfo } from './types.js';

/** Parse options: `copyInput: false` keeps the raw Name views pointing into our own copy. */
const PARSE_OPTIONS = { berOptions: { ...BER_OPTIONS, copyInput: false } };

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** ISO 8601 without a zero millisecond part, e.g. 2024-01-01T00:00:00Z. */
export function isoDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Serial number as lowercase hex, without the 00 byte DER adds to keep a positive INTEGER positive. */
function serialHex(bytes: ArrayBuffer): string {
  let view = new Uint8Array(bytes);
  if (view.length > 1 && view[0] === 0 && view[1]! >= 0x80) view = view.subarray(1);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

function setValidity(info: CertInfo, notBefore: number, notAfter: number): void {
  if (Number.isFinite(notBefore)) {
    info.notBeforeMs = notBefore;
    info.notBefore = isoDate(notBefore);
  } else {
    info.warnings.push('notBefore is not a valid time');
  }
  if (Number.isFinite(notAfter)) {
    info.notAfterMs = notAfter;
    info.notAfter = isoDate(notAfter);
  } else {
    info.warnings.push('notAfter is not a valid time');
  }
}

function timeMs(t: Time): number {
  const d = t.utcTime ?? t.generalTime;
  return d === undefined ? NaN : d.getTime();
}

/** "EC P-256", "RSA 2048", … from node:crypto's view of the key (fallback path only). */
function describeNodeKey(x509: X509Certificate): string | undefined {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') {
    return `${type === 'dsa' ? 'DSA' : type === 'rsa' ? 'RSA' : 'RSA-PSS'} ${details.modulusLength ?? '?'}`;
  }
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown curve';
    return `EC ${CURVE_NAMES.get(curve) ?? curve}`;
  }
  const oidName = [...PUBLIC_KEY_ALGORITHM_NAMES.values()].find((n) => n.toLowerCase() === type);
  return oidName ?? type;
}

function emptyInfo(der: Uint8Array, sha256: string): CertInfo {
  return {
    der,
    sha256,
    warnings: [],
    subject: UNPARSEABLE_NAME,
    issuer: UNPARSEABLE_NAME,
    subjectKey: `unparseable:${sha256}`,
    issuerKey: `unparseable-issuer:${sha256}`,
    subjectAltNames: [],
    extendedKeyUsage: [],
    extendedKeyUsagePresent: false,
    keyUsage: [],
    keyUsagePresent: false,
    selfSigned: false,
  };
}

/** Fills the fields that come from the ASN.1 structure. */
function fillFromAsn(info: CertInfo, cert: CertificateWithRawNames, buffer: ArrayBuffer): void {
  const tbs = cert.tbsCertificate;
  const subject = formatName(tbs.subject);
  const issuer = formatName(tbs.issuer);
  info.subject = subject.rfc4514;
  info.subjectKey = subject.normalized;
  info.issuer = issuer.rfc4514;
  info.issuerKey = issuer.normalized;
  // Views into our own buffer (copyInput: false); anything else would be a copy, so leave it out.
  if (tbs.subjectRaw?.buffer === buffer) info.subjectDer = tbs.subjectRaw;
  if (tbs.issuerRaw?.buffer === buffer) info.issuerDer = tbs.issuerRaw;
  info.serialNumber = serialHex(tbs.serialNumber);
  setValidity(info, timeMs(tbs.validity.notBefore), timeMs(tbs.validity.notAfter));

  const sigOid = cert.signatureAlgorithm.algorithm;
  info.signatureAlgorithm = SIGNATURE_ALGORITHM_NAMES.get(sigOid) ?? sigOid;
  if (tbs.signature.algorithm !== sigOid) {
    info.warnings.push(
      `signature algorithm ${sigOid} differs from the one inside the signed part (${tbs.signature.algorithm})`,
    );
  }
  info.version = tbs.version + 1;
  const keyOid = tbs.subjectPublicKeyInfo.algorithm.algorithm;
  try {
    info.publicKey = describeSubjectPublicKey(tbs.subjectPublicKeyInfo);
    const exponent = rsaPublicExponent(tbs.subjectPublicKeyInfo);
    if (exponent !== undefined) info.publicKeyExponent = exponent;
  } catch (err) {
    info.publicKey = PUBLIC_KEY_ALGORITHM_NAMES.get(keyOid) ?? keyOid;
    info.warnings.push(`public key could not be decoded: ${describe(err)}`);
  }

  const ext = decodeExtensions(tbs.extensions);
  info.subjectAltNames = ext.subjectAltNames;
  info.extendedKeyUsage = ext.extendedKeyUsage;
  info.extendedKeyUsagePresent = ext.extendedKeyUsagePresent;
  info.keyUsage = ext.keyUsage;
  info.keyUsagePresent = ext.keyUsagePresent;
  if (ext.basicConstraints !== undefined) info.basicConstraints = ext.basicConstraints;
  if (ext.subjectKeyIdentifier !== undefined) info.subjectKeyIdentifier = ext.subjectKeyIdentifier;
  if (ext.authorityKeyIdentifier !== undefined) info.authorityKeyIdentifier = ext.authorityKeyIdentifier;
  info.warnings.push(...ext.warnings);
}

/** Fills what node:crypto (OpenSSL) can read of a certificate the ASN.1 schema rejected. */
function fillFromNode(info: CertInfo, x509: X509Certificate): void {
  info.serialNumber = x509.serialNumber.toLowerCase();
  setValidity(info, Date.parse(x509.validFrom), Date.parse(x509.validTo));
  try {
    info.publicKey = describeNodeKey(x509);
  } catch (err) {
    info.warnings.push(`public key could not be loaded: ${describe(err)}`);
  }
}

/**
 * Parses an owned DER copy. For `subjectDer`/`issuerDer` to be views into `der`, `der` must span its
 * whole ArrayBuffer (as the cache's copies do).
 */
export function parseOwnedCertificate(der: Uint8Array, sha256: string = sha256Hex(der)): CertInfo {
  const info = emptyInfo(der, sha256);
  if (der.byteLength === 0) {
    info.error = 'certificate is empty (0 bytes)';
    return info;
  }
  const whole = der.byteOffset === 0 && der.byteLength === der.buffer.byteLength;
  const buffer = whole && der.buffer instanceof ArrayBuffer ? der.buffer : (Uint8Array.prototype.slice.call(der) as Uint8Array).buffer as ArrayBuffer;

  let asnError: string | undefined;
  try {
    fillFromAsn(info, AsnConvert.parse(buffer, CertificateWithRawNames, PARSE_OPTIONS), buffer);
  } catch (err) {
    asnError = `certificate (${der.byteLength} bytes) is not a valid X.509 structure: ${describe(err)}`;
  }

  if (asnError !== undefined) {
    const x509 = x509Of(info);
    if (x509 !== undefined) fillFromNode(info, x509);
    info.error = asnError;
  } else if (info.subjectKey === info.issuerKey) {
    // Self-issued: is it self-signed? (Costs a node:crypto load, but only for roots.)
    info.selfSigned = isSignedBy(info, info);
    const nodeError = x509ErrorOf(info);
    if (nodeError !== undefined) info.error = nodeError;
  }
  return info;
}

/** Parses a certificate, copying `der` (callers usually pass views into packet buffers). */
export function parseCertificate(der: Uint8Array): CertInfo {
  return parseOwnedCertificate(ownedDerCopy(der));
}

/** A plain Uint8Array spanning its own buffer (so subjectDer/issuerDer can be views into it). */
export function ownedDerCopy(der: Uint8Array): Uint8Array {
  const copy = new Uint8Array(der.byteLength);
  copy.set(der);
  return copy;
}
