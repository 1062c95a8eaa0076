/**
 * JSON-safe view of decoded extensions for `event.details.extensions`: registry names instead of
 * codes, lengths instead of bytes.
 */
import { cipherSuiteName } from '../registry/cipher-suites.js';
import { extensionName } from '../registry/extensions.js';
import { isGreaseByte } from '../registry/grease.js';
import {
  certCompressionAlgorithmName,
  certificateStatusTypeName,
  certificateTypeName,
  ecPointFormatName,
  heartbeatModeName,
  MAX_FRAGMENT_LENGTHS,
  pskKeyExchangeModeName,
} from '../registry/misc-codes.js';
import { namedGroupName } from '../registry/named-groups.js';
import { signatureSchemeName } from '../registry/signature-schemes.js';
import { versionName } from '../registry/versions.js';
import type { TlsExtension } from './types.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Names for a list of codes. */
export function names(codes: readonly number[], fn: (c: number) => string): string[] {
  const out: string[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = fn(codes[i]);
  return out;
}

function pskModeName(c: number): string {
  return isGreaseByte(c) ? `GREASE (0x${c.toString(16)})` : pskKeyExchangeModeName(c);
}

/** `{ type, name, length, grease?, ...decoded fields }`. */
export function extensionDetails(e: TlsExtension): { [key: string]: Json } {
  const d: { [key: string]: Json } = { type: e.type, name: extensionName(e.type), length: e.length };
  if (e.grease) d.grease = true;
  if (e.serverNames) d.serverNames = e.serverNames;
  if (e.otherServerNameTypes) d.otherServerNameTypes = e.otherServerNameTypes;
  if (e.maxFragmentLength !== undefined) {
    d.maxFragmentLength = MAX_FRAGMENT_LENGTHS[e.maxFragmentLength] ?? e.maxFragmentLength;
  }
  if (e.statusType !== undefined) d.statusType = certificateStatusTypeName(e.statusType);
  if (e.responderIdCount !== undefined) d.responderIdCount = e.responderIdCount;
  if (e.requestExtensionsLength !== undefined) d.requestExtensionsLength = e.requestExtensionsLength;
  if (e.ocspResponseLength !== undefined) d.ocspResponseLength = e.ocspResponseLength;
  if (e.groups) d.groups = names(e.groups, namedGroupName);
  if (e.pointFormats) d.pointFormats = names(e.pointFormats, ecPointFormatName);
  if (e.signatureSchemes) d.signatureAlgorithms = names(e.signatureSchemes, signatureSchemeName);
  if (e.alpnProtocols) d.protocols = e.alpnProtocols;
  if (e.heartbeatMode !== undefined) d.mode = heartbeatModeName(e.heartbeatMode);
  if (e.certificateTypes) d.certificateTypes = names(e.certificateTypes, certificateTypeName);
  if (e.compressionAlgorithms) d.algorithms = names(e.compressionAlgorithms, certCompressionAlgorithmName);
  if (e.recordSizeLimit !== undefined) d.recordSizeLimit = e.recordSizeLimit;
  if (e.versions) d.versions = names(e.versions, versionName);
  if (e.selectedVersion !== undefined) d.selectedVersion = versionName(e.selectedVersion);
  if (e.keyShares) d.keyShares = e.keyShares.map((k) => ({ group: namedGroupName(k.group), keyLength: k.keyLength }));
  if (e.selectedGroup !== undefined) d.group = namedGroupName(e.selectedGroup);
  if (e.keyLength !== undefined) d.keyLength = e.keyLength;
  if (e.pskIdentities) {
    d.identities = e.pskIdentities.map((p) => ({ identityLength: p.identityLength, obfuscatedTicketAge: p.obfuscatedTicketAge }));
  }
  if (e.binderLengths) d.binderLengths = e.binderLengths;
  if (e.selectedIdentity !== undefined) d.selectedIdentity = e.selectedIdentity;
  if (e.maxEarlyDataSize !== undefined) d.maxEarlyDataSize = e.maxEarlyDataSize;
  if (e.pskModes) d.modes = names(e.pskModes, pskModeName);
  if (e.certificateAuthorities) d.certificateAuthorities = e.certificateAuthorities.length;
  if (e.oidFilterCount !== undefined) d.filters = e.oidFilterCount;
  if (e.cookieLength !== undefined) d.cookieLength = e.cookieLength;
  if (e.ticketLength !== undefined) d.ticketLength = e.ticketLength;
  if (e.renegotiatedConnectionLength !== undefined) d.renegotiatedConnectionLength = e.renegotiatedConnectionLength;
  if (e.paddingLength !== undefined) d.paddingLength = e.paddingLength;
  if (e.echType !== undefined) d.echType = e.echType === 0 ? 'outer' : e.echType === 1 ? 'inner' : e.echType;
  if (e.echKdf !== undefined) d.kdfId = e.echKdf;
  if (e.echAead !== undefined) d.aeadId = e.echAead;
  if (e.echConfigId !== undefined) d.configId = e.echConfigId;
  if (e.echEncLength !== undefined) d.encLength = e.echEncLength;
  if (e.echPayloadLength !== undefined) d.payloadLength = e.echPayloadLength;
  return d;
}

export function extensionsDetails(list: readonly TlsExtension[]): Json[] {
  return list.map(extensionDetails);
}

/** Cipher suite names, GREASE flagged by name. */
export function cipherSuiteNames(codes: readonly number[]): string[] {
  return names(codes, cipherSuiteName);
}
