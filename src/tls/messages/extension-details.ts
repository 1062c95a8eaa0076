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

type Details = { [key: string]: Json };
type Convert = (e: TlsExtension, d: Details) => void;

/**
 * The decoded fields of `details`, in output order. Extensions of different types are objects of
 * different shapes: reading ~40 optional fields of each would be megamorphic property loads, so
 * only the fields an extension has (for-in) are looked up here and converted in this order.
 */
const FIELDS: ReadonlyArray<readonly [keyof TlsExtension, Convert]> = [
  ['serverNames', (e, d) => { if (e.serverNames) d.serverNames = e.serverNames; }],
  ['otherServerNameTypes', (e, d) => { if (e.otherServerNameTypes) d.otherServerNameTypes = e.otherServerNameTypes; }],
  ['maxFragmentLength', (e, d) => {
    if (e.maxFragmentLength !== undefined) d.maxFragmentLength = MAX_FRAGMENT_LENGTHS[e.maxFragmentLength] ?? e.maxFragmentLength;
  }],
  ['statusType', (e, d) => { if (e.statusType !== undefined) d.statusType = certificateStatusTypeName(e.statusType); }],
  ['responderIdCount', (e, d) => { if (e.responderIdCount !== undefined) d.responderIdCount = e.responderIdCount; }],
  ['requestExtensionsLength', (e, d) => { if (e.requestExtensionsLength !== undefined) d.requestExtensionsLength = e.requestExtensionsLength; }],
  ['ocspResponseLength', (e, d) => { if (e.ocspResponseLength !== undefined) d.ocspResponseLength = e.ocspResponseLength; }],
  ['groups', (e, d) => { if (e.groups) d.groups = names(e.groups, namedGroupName); }],
  ['pointFormats', (e, d) => { if (e.pointFormats) d.pointFormats = names(e.pointFormats, ecPointFormatName); }],
  ['signatureSchemes', (e, d) => { if (e.signatureSchemes) d.signatureAlgorithms = names(e.signatureSchemes, signatureSchemeName); }],
  ['alpnProtocols', (e, d) => { if (e.alpnProtocols) d.protocols = e.alpnProtocols; }],
  ['heartbeatMode', (e, d) => { if (e.heartbeatMode !== undefined) d.mode = heartbeatModeName(e.heartbeatMode); }],
  ['certificateTypes', (e, d) => { if (e.certificateTypes) d.certificateTypes = names(e.certificateTypes, certificateTypeName); }],
  ['compressionAlgorithms', (e, d) => { if (e.compressionAlgorithms) d.algorithms = names(e.compressionAlgorithms, certCompressionAlgorithmName); }],
  ['recordSizeLimit', (e, d) => { if (e.recordSizeLimit !== undefined) d.recordSizeLimit = e.recordSizeLimit; }],
  ['versions', (e, d) => { if (e.versions) d.versions = names(e.versions, versionName); }],
  ['selectedVersion', (e, d) => { if (e.selectedVersion !== undefined) d.selectedVersion = versionName(e.selectedVersion); }],
  ['keyShares', (e, d) => {
    if (e.keyShares) d.keyShares = e.keyShares.map((k) => ({ group: namedGroupName(k.group), keyLength: k.keyLength }));
  }],
  ['selectedGroup', (e, d) => { if (e.selectedGroup !== undefined) d.group = namedGroupName(e.selectedGroup); }],
  ['keyLength', (e, d) => { if (e.keyLength !== undefined) d.keyLength = e.keyLength; }],
  ['pskIdentities', (e, d) => {
    if (e.pskIdentities) {
      d.identities = e.pskIdentities.map((p) => ({ identityLength: p.identityLength, obfuscatedTicketAge: p.obfuscatedTicketAge }));
    }
  }],
  ['binderLengths', (e, d) => { if (e.binderLengths) d.binderLengths = e.binderLengths; }],
  ['selectedIdentity', (e, d) => { if (e.selectedIdentity !== undefined) d.selectedIdentity = e.selectedIdentity; }],
  ['maxEarlyDataSize', (e, d) => { if (e.maxEarlyDataSize !== undefined) d.maxEarlyDataSize = e.maxEarlyDataSize; }],
  ['pskModes', (e, d) => { if (e.pskModes) d.modes = names(e.pskModes, pskModeName); }],
  ['certificateAuthorities', (e, d) => { if (e.certificateAuthorities) d.certificateAuthorities = e.certificateAuthorities.length; }],
  ['oidFilterCount', (e, d) => { if (e.oidFilterCount !== undefined) d.filters = e.oidFilterCount; }],
  ['cookieLength', (e, d) => { if (e.cookieLength !== undefined) d.cookieLength = e.cookieLength; }],
  ['ticketLength', (e, d) => { if (e.ticketLength !== undefined) d.ticketLength = e.ticketLength; }],
  ['renegotiatedConnectionLength', (e, d) => {
    if (e.renegotiatedConnectionLength !== undefined) d.renegotiatedConnectionLength = e.renegotiatedConnectionLength;
  }],
  ['paddingLength', (e, d) => { if (e.paddingLength !== undefined) d.paddingLength = e.paddingLength; }],
  ['echType', (e, d) => { if (e.echType !== undefined) d.echType = e.echType === 0 ? 'outer' : e.echType === 1 ? 'inner' : e.echType; }],
  ['echKdf', (e, d) => { if (e.echKdf !== undefined) d.kdfId = e.echKdf; }],
  ['echAead', (e, d) => { if (e.echAead !== undefined) d.aeadId = e.echAead; }],
  ['echConfigId', (e, d) => { if (e.echConfigId !== undefined) d.configId = e.echConfigId; }],
  ['echEncLength', (e, d) => { if (e.echEncLength !== undefined) d.encLength = e.echEncLength; }],
  ['echPayloadLength', (e, d) => { if (e.echPayloadLength !== undefined) d.payloadLength = e.echPayloadLength; }],
];

const FIELD_RANK = new Map<string, number>(FIELDS.map(([k], i) => [k, i]));

/** `{ type, name, length, grease?, ...decoded fields }`. */
export function extensionDetails(e: TlsExtension): Details {
  const d: Details = { type: e.type, name: extensionName(e.type), length: e.length };
  if (e.grease) d.grease = true;
  let ranks: number[] | undefined;
  for (const k in e) {
    const r = FIELD_RANK.get(k);
    if (r !== undefined) (ranks ??= []).push(r);
  }
  if (ranks === undefined) return d;
  if (ranks.length > 1) ranks.sort((a, b) => a - b);
  for (const r of ranks) FIELDS[r]![1](e, d);
  return d;
}

export function extensionsDetails(list: readonly TlsExtension[]): Json[] {
  return list.map(extensionDetails);
}

/** Cipher suite names, GREASE flagged by name. */
export function cipherSuiteNames(codes: readonly number[]): string[] {
  return names(codes, cipherSuiteName);
}
