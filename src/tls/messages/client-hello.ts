/**
 * ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and the SSL 2.0 CLIENT-HELLO (SSL 2.0 spec,
 * RFC 6101 Appendix E.1) that old clients use to offer SSLv3/TLS.
 */
import { ExtensionType as E } from '../registry/extensions.js';
import { decodeExtensions, findExtension } from './extensions.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { ClientHello, Sslv2ClientHello } from './types.js';

export function decodeClientHello(body: Uint8Array): ClientHello {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const hello: ClientHello = {
    legacyVersion: r.u16('legacy_version'),
    random: r.bytes(32, 'random'),
    sessionId: body.subarray(0, 0),
    cipherSuites: [],
    compressionMethods: [],
    extensions: [],
    warnings,
  };
  const sid = r.vector(1, 'legacy_session_id');
  if (sid === null) return hello;
  if (sid.length > 32) warnings.push({ code: 'tls-message-field-invalid', message: `legacy_session_id length ${sid.length} exceeds 32` });
  hello.sessionId = sid;
  const suites = r.vector(2, 'cipher_suites');
  if (suites === null) return hello;
  if (suites.length % 2 !== 0) warnings.push({ code: 'tls-message-field-invalid', message: `cipher_suites length ${suites.length} is odd` });
  const list: number[] = new Array(suites.length >> 1);
  for (let i = 0, j = 0; j + 1 < suites.length; i++, j += 2) list[i] = (suites[j] << 8) | suites[j + 1];
  hello.cipherSuites = list;
  const comp = r.vector(1, 'legacy_compression_methods');
  if (comp === null) return hello;
  hello.compressionMethods = Array.from(comp);
  hello.extensions = decodeExtensions(r, 'client_hello');
  r.expectEnd('ClientHello');
  const sni = findExtension(hello.extensions, E.server_name);
  if (sni?.serverNames && sni.serverNames.length > 0) hello.serverName = sni.serverNames[0];
  const alpn = findExtension(hello.extensions, E.alpn);
  if (alpn?.alpnProtocols) hello.alpnProtocols = alpn.alpnProtocols;
  const versions = findExtension(hello.extensions, E.supported_versions);
  if (versions?.versions) hello.supportedVersions = versions.versions;
  return hello;
}

/**
 * SSL 2.0 CLIENT-HELLO from the SSLv2 record body (starting at msg_type, after the 2- or 3-byte
 * record header): msg_type(1) version(2) cipher_specs_length(2) session_id_length(2)
 * challenge_length(2) cipher_specs session_id challenge.
 */
export function decodeSslv2ClientHello(body: Uint8Array): Sslv2ClientHello {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const hello: Sslv2ClientHello = {
    messageType: r.u8('msg_type'),
    version: r.u16('version'),
    cipherSpecs: [],
    sessionIdLength: 0,
    challenge: body.subarray(0, 0),
    warnings,
  };
  if (!r.failed && hello.messageType !== 1) warnings.push({ code: 'tls-message-field-invalid', message: `SSLv2 message type ${hello.messageType} is not CLIENT-HELLO (1)` });
  const specsLength = r.u16('cipher_specs_length');
  const sidLength = r.u16('session_id_length');
  const challengeLength = r.u16('challenge_length');
  if (r.failed) return hello;
  if (specsLength % 3 !== 0) warnings.push({ code: 'tls-message-field-invalid', message: `cipher_specs_length ${specsLength} is not a multiple of 3` });
  if (challengeLength < 16 || challengeLength > 32) warnings.push({ code: 'tls-message-field-invalid', message: `challenge_length ${challengeLength} outside 16..32` });
  if (specsLength > r.remaining) {
    r.fail(`cipher_specs length ${specsLength} exceeds remaining ${r.remaining} bytes`);
    return hello;
  }
  const specs = r.bytes(specsLength, 'cipher_specs');
  for (let j = 0; j + 2 < specs.length; j += 3) hello.cipherSpecs.push((specs[j] << 16) | (specs[j + 1] << 8) | specs[j + 2]);
  if (sidLength > r.remaining) {
    r.fail(`session_id length ${sidLength} exceeds remaining ${r.remaining} bytes`);
    return hello;
  }
  r.skip(sidLength, 'session_id');
  hello.sessionIdLength = sidLength;
  if (challengeLength > r.remaining) {
    r.fail(`challenge length ${challengeLength} exceeds remaining ${r.remaining} bytes`);
    return hello;
  }
  hello.challenge = r.bytes(challengeLength, 'challenge');
  r.expectEnd('SSLv2 CLIENT-HELLO');
  return hello;
}
