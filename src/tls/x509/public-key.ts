/**
 * "EC P-256", "RSA 2048", "Ed25519", … from a SubjectPublicKeyInfo, decoded with @peculiar/asn1-schema
 * (node:crypto's key loading costs ~0.5 ms per key with OpenSSL 3.0's decoders; this is much cheaper).
 *
 * The two small schemas (RSAPublicKey, RFC 8017 §A.1.1; ECParameters namedCurve, RFC 5480 §2.1.1)
 * are declared by calling the library's decorator functions, as in raw-schema.ts.
 */
import {
  AsnConvert,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
} from '@peculiar/asn1-schema';
import type { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { BER_OPTIONS } from './distinguished-name.js';
import { PUBLIC_KEY_ALGORITHM_NAMES } from './oids.js';

class RsaPublicKey {
  modulus = new ArrayBuffer(0);
  publicExponent = new ArrayBuffer(0);
}
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(RsaPublicKey.prototype, 'modulus');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(RsaPublicKey.prototype, 'publicExponent');

class EcNamedCurve {
  namedCurve?: string;
}
AsnType({ type: AsnTypeTypes.Choice })(EcNamedCurve);
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(EcNamedCurve.prototype, 'namedCurve');

const RSA_OIDS = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10']);
const EC_OID = '1.2.840.10045.2.1';

/** Named curves (RFC 5480, RFC 5639) by OID. */
const CURVES_BY_OID: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10045.3.1.7', 'P-256'],
  ['1.3.132.0.34', 'P-384'],
  ['1.3.132.0.35', 'P-521'],
  ['1.3.132.0.33', 'P-224'],
  ['1.2.840.10045.3.1.1', 'P-192'],
  ['1.3.132.0.10', 'secp256k1'],
  ['1.3.36.3.3.2.8.1.1.7', 'brainpoolP256r1'],
  ['1.3.36.3.3.2.8.1.1.11', 'brainpoolP384r1'],
  ['1.3.36.3.3.2.8.1.1.13', 'brainpoolP512r1'],
]);

/** Number of significant bits of a big-endian unsigned integer. */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** A short description of the public key; throws if the key's own encoding is malformed. */
export function describeSubjectPublicKey(spki: SubjectPublicKeyInfo): string {
  const oid = spki.algorithm.algorithm;
  const name = PUBLIC_KEY_ALGORITHM_NAMES.get(oid) ?? oid;
  const opts = { berOptions: BER_OPTIONS };
  if (RSA_OIDS.has(oid)) {
    const key = AsnConvert.parse(spki.subjectPublicKey, RsaPublicKey, opts);
    return `${name} ${bitLength(new Uint8Array(key.modulus))}`;
  }
  if (oid === EC_OID) {
    const params = spki.algorithm.parameters;
    if (params === undefined || params === null) return 'EC (no curve parameters)';
    const curve = AsnConvert.parse(params, EcNamedCurve, opts).namedCurve;
    if (curve === undefined) return 'EC (explicit curve parameters)';
    return `EC ${CURVES_BY_OID.get(curve) ?? curve}`;
  }
  return name;
}

/** The RSA public exponent in decimal; undefined for other keys or a malformed RSA key. */
export function rsaPublicExponent(spki: SubjectPublicKeyInfo): string | undefined {
  if (!RSA_OIDS.has(spki.algorithm.algorithm)) return undefined;
  try {
    const key = AsnConvert.parse(spki.subjectPublicKey, RsaPublicKey, { berOptions: BER_OPTIONS });
    const b = new Uint8Array(key.publicExponent);
    if (b.length === 0 || b.length > 512) return undefined;
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    return v.toString();
  } catch {
    return undefined;
  }
}
