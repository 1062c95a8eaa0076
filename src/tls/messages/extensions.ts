/**
 * Extension block decoding (RFC 8446 §4.2 and the RFCs of each extension). Each extension body is
 * decoded with its own bounds; a malformed body yields a warning prefixed with the extension name
 * and the fields read so far, and never affects the next extension.
 */
import { ExtensionType as E } from '../registry/extensions.js';
import { extensionName } from '../registry/extensions.js';
import { isGrease } from '../registry/grease.js';
import { ByteReader, toText, type DecodeWarning } from './reader.js';
import type { ExtensionContext, KeyShareInfo, PskIdentityInfo, TlsExtension } from './types.js';

/** Read a length-prefixed list of u16 values ("<what> length N is odd" when N is odd). */
export function readU16List(r: ByteReader, lenBytes: 1 | 2, what: string): number[] {
  const v = r.vector(lenBytes, what);
  if (v === null) return [];
  if (v.length % 2 !== 0) r.warnings.push({ code: 'tls-message-field-invalid', message: `${what} length ${v.length} is odd` });
  const out: number[] = new Array(v.length >> 1);
  for (let i = 0, j = 0; j + 1 < v.length; i++, j += 2) out[i] = (v[j] << 8) | v[j + 1];
  return out;
}

/** Read a length-prefixed list of u8 values. */
export function readU8List(r: ByteReader, lenBytes: 1 | 2, what: string): number[] {
  const v = r.vector(lenBytes, what);
  if (v === null) return [];
  const out: number[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!; // Array.from walks the iterator: slower
  return out;
}

/** DistinguishedName authorities<3..2^16-1> (each opaque<1..2^16-1>) as views. */
export function readDistinguishedNames(r: ByteReader, what: string): Uint8Array[] {
  const list = r.subLenient(2, what);
  const out: Uint8Array[] = [];
  if (list === null) return out;
  while (list.remaining > 0 && !list.failed) {
    const dn = list.vector(2, 'DistinguishedName');
    if (dn !== null) out.push(dn);
  }
  return out;
}

/**
 * Decode `extensions<0..2^16-1>` at the reader position. In hellos the block is optional (pre-TLS
 * 1.2 hellos may end before it): a missing block gives an empty list and no warning. Elsewhere
 * (TLS 1.3 messages) it is mandatory and its absence is reported.
 */
export function decodeExtensions(r: ByteReader, context: ExtensionContext): TlsExtension[] {
  const out: TlsExtension[] = [];
  const optional = context === 'client_hello' || context === 'server_hello';
  if (r.failed || (r.remaining === 0 && optional)) return out;
  const block = r.subLenient(2, 'extensions');
  if (block === null) return out;
  while (block.remaining > 0 && !block.failed) {
    const type = block.u16('extension type');
    const data = block.vector(2, `extension ${extensionName(type)}`);
    if (data === null) break;
    out.push(decodeExtension(type, data, context, block.warnings));
  }
  return out;
}

/** Decode one extension body; warnings go to `warnings` prefixed with the extension name. */
export function decodeExtension(type: number, data: Uint8Array, context: ExtensionContext, warnings: DecodeWarning[]): TlsExtension {
  const ext: TlsExtension = { type, length: data.length, grease: isGrease(type) };
  const local: DecodeWarning[] = [];
  const r = new ByteReader(data, local);
  decodeBody(ext, r, context);
  if (local.length === 0 && !r.failed) r.expectEnd(extensionName(type));
  for (const w of local) warnings.push(typeof w === 'string' ? `${extensionName(type)}: ${w}` : { code: w.code, message: `${extensionName(type)}: ${w.message}` });
  return ext;
}

const hello = (c: ExtensionContext): boolean => c === 'client_hello';

function decodeBody(ext: TlsExtension, r: ByteReader, ctx: ExtensionContext): void {
  const len = ext.length;
  switch (ext.type) {
    case E.server_name:
      if (len > 0) serverName(ext, r);
      return;
    case E.max_fragment_length:
      ext.maxFragmentLength = r.u8('max_fragment_length');
      return;
    case E.status_request:
      if (len === 0) return;
      if (ctx === 'certificate') {
        ext.statusType = r.u8('status_type');
        const resp = r.vector(3, 'OCSPResponse');
        if (resp !== null) ext.ocspResponseLength = resp.length;
        return;
      }
      ext.statusType = r.u8('status_type');
      if (ext.statusType === 1) {
        const ids = r.sub(2, 'responder_id_list');
        if (ids !== null) {
          let n = 0;
          while (ids.remaining > 0 && ids.vector(2, 'ResponderID') !== null) n++;
          ext.responderIdCount = n;
        }
        const reqExt = r.vector(2, 'request_extensions');
        if (reqExt !== null) ext.requestExtensionsLength = reqExt.length;
      } else {
        r.offset = r.end;
      }
      return;
    case E.supported_groups:
      ext.groups = readU16List(r, 2, 'named_group_list');
      return;
    case E.ec_point_formats:
      ext.pointFormats = readU8List(r, 1, 'ec_point_format_list');
      return;
    case E.signature_algorithms:
    case E.signature_algorithms_cert:
    case E.delegated_credential:
      if (len === 0 && ext.type === E.delegated_credential) return;
      if (ext.type === E.delegated_credential && ctx === 'certificate') {
        r.offset = r.end; // the credential itself
        return;
      }
      ext.signatureSchemes = readU16List(r, 2, 'supported_signature_algorithms');
      return;
    case E.alpn:
      alpn(ext, r);
      return;
    case E.heartbeat:
      ext.heartbeatMode = r.u8('heartbeat mode');
      return;
    case E.client_certificate_type:
    case E.server_certificate_type:
      if (hello(ctx)) ext.certificateTypes = readU8List(r, 1, 'certificate_types');
      else ext.certificateTypes = [r.u8('certificate_type')];
      return;
    case E.padding:
      ext.paddingLength = len;
      r.offset = r.end;
      return;
    case E.compress_certificate:
      ext.compressionAlgorithms = readU16List(r, 1, 'algorithms');
      return;
    case E.record_size_limit:
      ext.recordSizeLimit = r.u16('record_size_limit');
      return;
    case E.session_ticket:
      ext.ticketLength = len;
      r.offset = r.end;
      return;
    case E.pre_shared_key:
      if (hello(ctx)) offeredPsks(ext, r);
      else ext.selectedIdentity = r.u16('selected_identity');
      return;
    case E.early_data:
      if (ctx === 'new_session_ticket') ext.maxEarlyDataSize = r.u32('max_early_data_size');
      return;
    case E.supported_versions:
      if (hello(ctx)) ext.versions = readU16List(r, 1, 'versions');
      else ext.selectedVersion = r.u16('selected_version');
      return;
    case E.cookie: {
      const c = r.vector(2, 'cookie');
      if (c !== null) ext.cookieLength = c.length;
      return;
    }
    case E.psk_key_exchange_modes:
      ext.pskModes = readU8List(r, 1, 'ke_modes');
      return;
    case E.certificate_authorities:
      ext.certificateAuthorities = readDistinguishedNames(r, 'authorities');
      return;
    case E.oid_filters:
      oidFilters(ext, r);
      return;
    case E.key_share:
      keyShare(ext, r, ctx);
      return;
    case E.encrypted_client_hello:
      ech(ext, r, ctx);
      return;
    case E.renegotiation_info: {
      const rc = r.vector(1, 'renegotiated_connection');
      if (rc !== null) ext.renegotiatedConnectionLength = rc.length;
      return;
    }
    default:
      r.offset = r.end; // opaque: type and length only (encrypt_then_mac, extended_master_secret, ...)
  }
}

function serverName(ext: TlsExtension, r: ByteReader): void {
  const list = r.sub(2, 'server_name_list');
  if (list === null) return;
  ext.serverNames = [];
  while (list.remaining > 0 && !list.failed) {
    const nameType = list.u8('name_type');
    const name = list.vector(2, 'HostName');
    if (name === null) break;
    if (nameType === 0) ext.serverNames.push(toText(name));
    else (ext.otherServerNameTypes ??= []).push(nameType);
  }
}

function alpn(ext: TlsExtension, r: ByteReader): void {
  const list = r.sub(2, 'protocol_name_list');
  if (list === null) return;
  ext.alpnProtocols = [];
  while (list.remaining > 0 && !list.failed) {
    const p = list.vector(1, 'ProtocolName');
    if (p !== null) ext.alpnProtocols.push(toText(p));
  }
}

function keyShare(ext: TlsExtension, r: ByteReader, ctx: ExtensionContext): void {
  if (ctx === 'hello_retry_request') {
    ext.selectedGroup = r.u16('selected_group');
    return;
  }
  if (ctx === 'server_hello') {
    ext.selectedGroup = r.u16('group');
    const key = r.vector(2, 'key_exchange');
    if (key !== null) ext.keyLength = key.length;
    return;
  }
  const list = r.sub(2, 'client_shares');
  if (list === null) return;
  const shares: KeyShareInfo[] = [];
  ext.keyShares = shares;
  while (list.remaining > 0 && !list.failed) {
    const group = list.u16('KeyShareEntry group');
    const key = list.vector(2, 'key_exchange');
    if (key === null) break;
    shares.push({ group, keyLength: key.length });
  }
}

function offeredPsks(ext: TlsExtension, r: ByteReader): void {
  const ids = r.sub(2, 'identities');
  if (ids === null) return;
  const identities: PskIdentityInfo[] = [];
  ext.pskIdentities = identities;
  while (ids.remaining > 0 && !ids.failed) {
    const id = ids.vector(2, 'identity');
    const age = ids.u32('obfuscated_ticket_age');
    if (id === null || ids.failed) break;
    identities.push({ identityLength: id.length, obfuscatedTicketAge: age });
  }
  const binders = r.sub(2, 'binders');
  if (binders === null) return;
  ext.binderLengths = [];
  while (binders.remaining > 0 && !binders.failed) {
    const b = binders.vector(1, 'PskBinderEntry');
    if (b !== null) ext.binderLengths.push(b.length);
  }
}

function oidFilters(ext: TlsExtension, r: ByteReader): void {
  const list = r.sub(2, 'filters');
  if (list === null) return;
  let n = 0;
  while (list.remaining > 0 && !list.failed) {
    if (list.vector(1, 'certificate_extension_oid') === null) break;
    if (list.vector(2, 'certificate_extension_values') === null) break;
    n++;
  }
  ext.oidFilterCount = n;
}

function ech(ext: TlsExtension, r: ByteReader, ctx: ExtensionContext): void {
  if (!hello(ctx)) {
    r.offset = r.end; // retry_configs (EncryptedExtensions) or 8-byte confirmation (HRR)
    return;
  }
  ext.echType = r.u8('ECHClientHelloType');
  if (ext.echType !== 0) {
    r.offset = r.end; // inner: empty
    return;
  }
  ext.echKdf = r.u16('kdf_id');
  ext.echAead = r.u16('aead_id');
  ext.echConfigId = r.u8('config_id');
  const enc = r.vector(2, 'enc');
  if (enc !== null) ext.echEncLength = enc.length;
  const payload = r.vector(2, 'payload');
  if (payload !== null) ext.echPayloadLength = payload.length;
}

/** First extension of a type, if any. */
export function findExtension(list: TlsExtension[], type: number): TlsExtension | undefined {
  for (const e of list) if (e.type === type) return e;
  return undefined;
}
