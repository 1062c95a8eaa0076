/**
 * Decodes the certificate extensions tls-inspect reports on, with @peculiar/asn1-x509's schemas.
 * A badly encoded extension becomes a warning; the rest of the certificate stays usable.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  type Extension,
  type GeneralName,
} from '@peculiar/asn1-x509';
import { BER_OPTIONS, formatName } from './distinguished-name.js';
import { EKU_NAMES, KEY_USAGE_BITS } from './oids.js';
import type { BasicConstraintsInfo } from './types.js';

export interface DecodedExtensions {
  subjectAltNames: string[];
  extendedKeyUsage: string[];
  extendedKeyUsagePresent: boolean;
  keyUsage: string[];
  keyUsagePresent: boolean;
  basicConstraints?: BasicConstraintsInfo;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  warnings: string[];
}

const EXTENSION_NAMES: ReadonlyMap<string, string> = new Map([
  [id_ce_subjectAltName, 'subjectAltName'],
  [id_ce_extKeyUsage, 'extendedKeyUsage'],
  [id_ce_keyUsage, 'keyUsage'],
  [id_ce_basicConstraints, 'basicConstraints'],
  [id_ce_subjectKeyIdentifier, 'subjectKeyIdentifier'],
  [id_ce_authorityKeyIdentifier, 'authorityKeyIdentifier'],
]);

function hex(bytes: ArrayBuffer): string {
  return Buffer.from(bytes).toString('hex');
}

function generalNameString(gn: GeneralName): string {
  if (gn.dNSName !== undefined) return `DNS:${gn.dNSName}`;
  if (gn.iPAddress !== undefined) return `IP:${gn.iPAddress}`;
  if (gn.rfc822Name !== undefined) return `email:${gn.rfc822Name}`;
  if (gn.uniformResourceIdentifier !== undefined) return `URI:${gn.uniformResourceIdentifier}`;
  if (gn.directoryName !== undefined) return `DirName:${formatName(gn.directoryName).rfc4514}`;
  if (gn.registeredID !== undefined) return `RID:${gn.registeredID}`;
  if (gn.otherName !== undefined) return `othername:${gn.otherName.typeId}`;
  if (gn.x400Address !== undefined) return 'X400Name:<unsupported>';
  if (gn.ediPartyName !== undefined) return 'EdiPartyName:<unsupported>';
  return 'unknown:<unsupported>';
}

/** Names of the bits set in a keyUsage BIT STRING (bit 0 = most significant bit of byte 0). */
function keyUsageNames(ku: KeyUsage): string[] {
  const bytes = new Uint8Array(ku.value);
  const names: string[] = [];
  for (let bit = 0; bit < KEY_USAGE_BITS.length; bit++) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte >> (7 - (bit & 7))) & 1) names.push(KEY_USAGE_BITS[bit]!);
  }
  return names;
}

function decodeOne(ext: Extension, out: DecodedExtensions): void {
  const value = ext.extnValue.buffer;
  const opts = { berOptions: BER_OPTIONS };
  switch (ext.extnID) {
    case id_ce_subjectAltName: {
      const san = AsnConvert.parse(value, SubjectAlternativeName, opts);
      for (const gn of san) out.subjectAltNames.push(generalNameString(gn));
      return;
    }
    case id_ce_extKeyUsage: {
      out.extendedKeyUsagePresent = true;
      const eku = AsnConvert.parse(value, ExtendedKeyUsage, opts);
      for (const oid of eku) out.extendedKeyUsage.push(EKU_NAMES.get(oid) ?? oid);
      return;
    }
    case id_ce_keyUsage:
      out.keyUsagePresent = true;
      out.keyUsage = keyUsageNames(AsnConvert.parse(value, KeyUsage, opts));
      return;
    case id_ce_basicConstraints: {
      const bc = AsnConvert.parse(value, BasicConstraints, opts);
      const info: BasicConstraintsInfo = { ca: bc.cA === true };
      const pathLen = bc.pathLenConstraint;
      if (pathLen !== undefined) {
        if (Number.isSafeInteger(pathLen) && pathLen >= 0) info.pathLen = pathLen;
        else out.warnings.push(`basicConstraints pathLenConstraint ${String(pathLen)} is not a valid length`);
      }
      out.basicConstraints = info;
      return;
    }
    case id_ce_subjectKeyIdentifier:
      out.subjectKeyIdentifier = hex(AsnConvert.parse(value, SubjectKeyIdentifier, opts).buffer);
      return;
    case id_ce_authorityKeyIdentifier: {
      const aki = AsnConvert.parse(value, AuthorityKeyIdentifier, opts);
      if (aki.keyIdentifier !== undefined) out.authorityKeyIdentifier = hex(aki.keyIdentifier.buffer);
      return;
    }
  }
}

/** Decodes the extensions tls-inspect uses; unknown extensions are ignored. */
export function decodeExtensions(extensions: readonly Extension[] | undefined): DecodedExtensions {
  const out: DecodedExtensions = {
    subjectAltNames: [],
    extendedKeyUsage: [],
    extendedKeyUsagePresent: false,
    keyUsage: [],
    keyUsagePresent: false,
    warnings: [],
  };
  if (extensions === undefined) return out;
  const seen = new Set<string>();
  for (const ext of extensions) {
    const name = EXTENSION_NAMES.get(ext.extnID);
    if (name === undefined) continue;
    if (seen.has(ext.extnID)) {
      // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
      out.warnings.push(`${name} extension appears more than once; later instances ignored`);
      continue;
    }
    seen.add(ext.extnID);
    try {
      decodeOne(ext, out);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      out.warnings.push(`${name} extension (${ext.extnValue.byteLength} bytes) could not be decoded: ${msg}`);
    }
  }
  return out;
}
