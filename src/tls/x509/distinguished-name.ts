/**
 * Distinguished names: RFC 4514 strings and RFC 5280 §7.1 / RFC 4518-style comparison.
 *
 * DER decoding is done by @peculiar/asn1-x509's `Name`; this file only formats and compares the
 * decoded attribute values.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name, type AttributeTypeAndValue, type AttributeValue } from '@peculiar/asn1-x509';
import { ATTRIBUTE_NAMES } from './oids.js';
import type { DistinguishedName, DistinguishedNameError } from './types.js';

/** Resource limits for asn1js on untrusted input (a certificate is a few KB, nesting < 20 deep). */
export const BER_OPTIONS = { maxDepth: 32, maxNodes: 20_000, parseEmbedded: false } as const;

/** Subject/issuer text of a certificate whose names could not be read. */
export const UNPARSEABLE_NAME = '(unparseable certificate)';

/** The string value of a directory string choice, or undefined for non-string values. */
function stringValue(v: AttributeValue): string | undefined {
  if (v.utf8String !== undefined) return v.utf8String;
  if (v.printableString !== undefined) return v.printableString;
  if (v.ia5String !== undefined) return v.ia5String;
  if (v.teletexString !== undefined) return v.teletexString;
  if (v.bmpString !== undefined) return v.bmpString;
  if (v.universalString !== undefined) return v.universalString;
  return undefined;
}

function hexOf(bytes: ArrayBuffer | Uint8Array, upper: boolean): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const hex = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
  return upper ? hex.toUpperCase() : hex;
}

/** BER encoding of an attribute value (for the `#hex` form), or undefined if it cannot be re-encoded. */
function valueEncoding(v: AttributeValue): ArrayBuffer | undefined {
  if (v.anyValue !== undefined) return v.anyValue;
  try {
    return AsnConvert.serialize(v);
  } catch {
    return undefined;
  }
}

const NEEDS_ESCAPE = /[",+;<>\\\u0000-\u001f\u007f]|^[ #]| $/;

/** RFC 4514 §2.4 escaping; control characters become \XX like OpenSSL's esc_ctrl. */
export function escapeDnValue(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  const last = s.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (c === '"' || c === '+' || c === ',' || c === ';' || c === '<' || c === '>' || c === '\\') {
      out += '\\' + c;
    } else if (code < 0x20 || code === 0x7f) {
      out += '\\' + code.toString(16).toUpperCase().padStart(2, '0');
    } else if ((i === 0 && (c === ' ' || c === '#')) || (i === last && c === ' ')) {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}

// RFC 4518 §2.2: characters mapped to nothing (soft hyphen, joiners, variation selectors, controls).
const MAP_TO_NOTHING =
  /[\u00ad\u034f\u1806\u180b-\u180d\u200b\u2060\ufe00-\ufe0f\ufeff\ufffc\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
const INSIGNIFICANT_SPACE = /[\s\u0085]+/g;

/**
 * String preparation for caseIgnoreMatch (RFC 4518 subset): map-to-nothing, case folding, NFKC,
 * insignificant space handling (runs folded to one space, leading/trailing removed).
 */
export function prepareDnString(s: string): string {
  return s
    .replace(MAP_TO_NOTHING, '')
    .toLowerCase()
    .normalize('NFKC')
    .toLowerCase()
    .replace(INSIGNIFICANT_SPACE, ' ')
    .trim();
}

function avaDisplay(ava: AttributeTypeAndValue): string {
  const short = ATTRIBUTE_NAMES.get(ava.type);
  const str = stringValue(ava.value);
  if (short !== undefined && str !== undefined) return `${short}=${escapeDnValue(str)}`;
  const enc = valueEncoding(ava.value);
  const label = short ?? ava.type;
  if (enc !== undefined) return `${label}=#${hexOf(enc, true)}`;
  return `${label}=${escapeDnValue(str ?? '')}`;
}

function avaKey(ava: AttributeTypeAndValue): string {
  const str = stringValue(ava.value);
  if (str !== undefined) return `${ava.type}=${escapeDnValue(prepareDnString(str))}`;
  const enc = valueEncoding(ava.value);
  return `${ava.type}=#${enc === undefined ? '' : hexOf(enc, false)}`;
}

/** RFC 4514 string and normalized key of a decoded Name (most specific RDN first). */
export function formatName(name: Name): { rfc4514: string; normalized: string } {
  const display: string[] = [];
  const keys: string[] = [];
  for (let i = name.length - 1; i >= 0; i--) {
    const rdn = name[i]!;
    const parts: string[] = [];
    const partKeys: string[] = [];
    for (const ava of rdn) {
      parts.push(avaDisplay(ava));
      partKeys.push(avaKey(ava));
    }
    // Members of a multi-valued RDN are a SET: unordered, so the key sorts them.
    partKeys.sort();
    display.push(parts.join('+'));
    keys.push(partKeys.join('+'));
  }
  return { rfc4514: display.join(','), normalized: keys.join(',') };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Parses a DER Name, e.g. one entry of a CertificateRequest's certificate_authorities list.
 * Never throws: malformed input gives `{ error }`.
 */
export function parseDistinguishedName(der: Uint8Array): DistinguishedName | DistinguishedNameError {
  if (der.byteLength === 0) return { error: 'distinguished name is empty (0 bytes)' };
  let name: Name;
  try {
    name = AsnConvert.parse(der, Name, { berOptions: BER_OPTIONS });
  } catch (err) {
    return { error: `distinguished name (${der.byteLength} bytes) is not a valid DER Name: ${describe(err)}` };
  }
  const result: DistinguishedName = formatName(name);
  try {
    const reencoded = AsnConvert.serialize(name).byteLength;
    if (reencoded < der.byteLength) {
      result.warning =
        `distinguished name field has ${der.byteLength} bytes but the Name re-encodes to ${reencoded}: ` +
        'trailing bytes or non-DER lengths';
    }
  } catch (err) {
    result.warning = `distinguished name could not be re-encoded: ${describe(err)}`;
  }
  return result;
}

/** Anything with a normalized DN key: a parsed name, or raw DER. */
export type DnInput = Uint8Array | { normalized: string };

/**
 * Comparison key for a DN: equal keys ⇔ equal names (case-insensitive after whitespace folding,
 * string types ignored, multi-valued RDN members unordered, RDN order significant). Unparseable
 * DER falls back to its exact bytes (`der:<hex>`), so it only equals identical bytes.
 */
export function distinguishedNameKey(dn: DnInput): string {
  if (!(dn instanceof Uint8Array)) return dn.normalized;
  const parsed = parseDistinguishedName(dn);
  return 'error' in parsed ? `der:${hexOf(dn, false)}` : parsed.normalized;
}

/** RFC 5280 §7.1 name comparison of two DNs given as DER or as parsed names. */
export function dnEquals(a: DnInput, b: DnInput): boolean {
  return distinguishedNameKey(a) === distinguishedNameKey(b);
}
