/**
 * ServerHello / HelloRetryRequest (RFC 8446 §4.1.3-4.1.4, RFC 5246 §7.4.1.3), EncryptedExtensions
 * (RFC 8446 §4.3.1) and DTLS HelloVerifyRequest (RFC 6347 §4.2.1).
 */
import { ExtensionType as E } from '../registry/extensions.js';
import { decodeExtensions, findExtension } from './extensions.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { DowngradeSentinel, EncryptedExtensions, HelloVerifyRequest, ServerHello } from './types.js';

/** SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** "DOWNGRD" followed by 01 (TLS 1.2) or 00 (TLS 1.1 and below). */
const DOWNGRADE = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];

export function isHelloRetryRequestRandom(random: Uint8Array): boolean {
  if (random.length !== 32) return false;
  for (let i = 0; i < 32; i++) if (random[i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

/** The downgrade sentinel in the last 8 bytes of a ServerHello random, if present. */
export function downgradeSentinel(random: Uint8Array): DowngradeSentinel | undefined {
  if (random.length !== 32) return undefined;
  for (let i = 0; i < 7; i++) if (random[24 + i] !== DOWNGRADE[i]) return undefined;
  if (random[31] === 1) return 'tls12';
  if (random[31] === 0) return 'tls11_or_below';
  return undefined;
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const hrr = isHelloRetryRequestRandom(random);
  const hello: ServerHello = {
    helloRetryRequest: hrr,
    legacyVersion,
    random,
    sessionId: body.subarray(0, 0),
    cipherSuite: 0,
    compressionMethod: 0,
    extensions: [],
    version: legacyVersion,
    warnings,
  };
  const sentinel = downgradeSentinel(random);
  if (sentinel) hello.downgradeSentinel = sentinel;
  const sid = r.vector(1, 'legacy_session_id_echo');
  if (sid === null) return hello;
  if (sid.length > 32) warnings.push({ code: 'tls-message-field-invalid', message: `legacy_session_id_echo length ${sid.length} exceeds 32` });
  hello.sessionId = sid;
  hello.cipherSuite = r.u16('cipher_suite');
  hello.compressionMethod = r.u8('legacy_compression_method');
  if (r.failed) return hello;
  hello.extensions = decodeExtensions(r, hrr ? 'hello_retry_request' : 'server_hello');
  r.expectEnd(hrr ? 'HelloRetryRequest' : 'ServerHello');
  const sv = findExtension(hello.extensions, E.supported_versions);
  if (sv?.selectedVersion !== undefined) hello.version = sv.selectedVersion;
  const ks = findExtension(hello.extensions, E.key_share);
  if (ks?.selectedGroup !== undefined) hello.selectedGroup = ks.selectedGroup;
  if (ks?.keyLength !== undefined) hello.keyShareLength = ks.keyLength;
  const psk = findExtension(hello.extensions, E.pre_shared_key);
  if (psk?.selectedIdentity !== undefined) hello.selectedIdentity = psk.selectedIdentity;
  const alpn = findExtension(hello.extensions, E.alpn);
  if (alpn?.alpnProtocols && alpn.alpnProtocols.length > 0) {
    hello.alpnProtocol = alpn.alpnProtocols[0];
    if (alpn.alpnProtocols.length !== 1) warnings.push({ code: 'tls-message-field-invalid', message: `ALPN in ServerHello lists ${alpn.alpnProtocols.length} protocols, expected 1` });
  }
  return hello;
}

export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const extensions = decodeExtensions(r, 'encrypted_extensions');
  r.expectEnd('EncryptedExtensions');
  const ee: EncryptedExtensions = {
    extensions,
    serverNameAcknowledged: findExtension(extensions, E.server_name) !== undefined,
    earlyDataAccepted: findExtension(extensions, E.early_data) !== undefined,
    warnings,
  };
  const alpn = findExtension(extensions, E.alpn);
  if (alpn?.alpnProtocols && alpn.alpnProtocols.length > 0) ee.alpnProtocol = alpn.alpnProtocols[0];
  return ee;
}

export function decodeHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const serverVersion = r.u16('server_version');
  const cookie = r.vector(1, 'cookie');
  r.expectEnd('HelloVerifyRequest');
  return { serverVersion, cookieLength: cookie === null ? 0 : cookie.length, warnings };
}
