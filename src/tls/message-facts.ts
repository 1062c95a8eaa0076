/**
 * Between the message decoders (src/tls/messages) and the TLS state machine: decode one handshake
 * message, and fold what it tells about the connection into TlsFacts (version, suite, randoms, SNI,
 * ALPN, HRR, resumption, extensions that change decryption).
 */
import type { Side } from '../tcp/types.js';
import type { ClientHelloFacts, ServerHelloFacts, TlsFacts } from './events.js';
import { decodeHandshake, decodeSslv2Handshake } from './messages/index.js';
import type { DecodeWarning } from './messages/reader.js';
import type { ClientHello, EncryptedExtensions, ServerHello, TlsExtension } from './messages/types.js';
import { copyBytes } from '../net/bytes.js';
import { ProtocolVersion } from './registry/versions.js';

export interface MessageContext {
  tls13: boolean;
  cipherSuite: number;
  fromServer: boolean;
  version?: number;
  /** Build `details` (default true). */
  details?: boolean;
}

export interface DecodedMessage {
  name: string;
  details: Record<string, unknown>;
  certificates?: Uint8Array[];
  certificateAuthorities?: Uint8Array[];
  typed: unknown;
  warnings: DecodeWarning[];
  malformed?: boolean;
}

export function decodeMessage(type: number, body: Uint8Array, ctx: MessageContext): DecodedMessage {
  return decodeHandshake(type, body, {
    tls13: ctx.tls13,
    cipherSuite: ctx.cipherSuite >= 0 ? ctx.cipherSuite : undefined,
    fromServer: ctx.fromServer,
    version: ctx.version,
    details: ctx.details,
  }) as DecodedMessage;
}

export function decodeSslv2Hello(body: Uint8Array): { details: Record<string, unknown>; warnings: DecodeWarning[]; random?: Uint8Array } {
  const r = decodeSslv2Handshake(body);
  const details: Record<string, unknown> = { ...r.details };
  const typed = r.typed as { challenge?: Uint8Array } | undefined;
  let random: Uint8Array | undefined;
  if (typed?.challenge && typed.challenge.length > 0 && typed.challenge.length <= 32) {
    // RFC 5246 appendix E.2: the challenge is right-aligned in the 32-byte client random
    random = new Uint8Array(32);
    random.set(typed.challenge, 32 - typed.challenge.length);
  }
  return { details, warnings: r.warnings, random };
}

export type FactChange = 'server-hello' | 'hello-retry' | 'finished' | 'key-update' | null;

const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_EXTENDED_MASTER_SECRET = 23;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_GROUPS = 10;
const EXT_EC_POINT_FORMATS = 11;
const EXT_SIGNATURE_ALGORITHMS = 13;
const EXT_POST_HANDSHAKE_AUTH = 49;

function hasExt(exts: TlsExtension[] | undefined, type: number): boolean {
  return !!exts && exts.some((e) => e.type === type);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function types(exts: readonly TlsExtension[]): number[] {
  const out: number[] = new Array(exts.length);
  for (let i = 0; i < exts.length; i++) out[i] = exts[i]!.type;
  return out;
}

const NONE: number[] = [];

function clientHelloFacts(ch: ClientHello): ClientHelloFacts {
  const c: ClientHelloFacts = {
    version: ch.legacyVersion,
    cipherSuites: ch.cipherSuites,
    extensions: types(ch.extensions),
    supportedGroups: NONE,
    pointFormats: NONE,
    signatureAlgorithms: NONE,
    supportedVersions: ch.supportedVersions ?? NONE,
  };
  // the first extension of each type, as the decoders and tshark read them
  for (let i = ch.extensions.length - 1; i >= 0; i--) {
    const e = ch.extensions[i]!;
    if (e.type === EXT_SUPPORTED_GROUPS && e.groups) c.supportedGroups = e.groups;
    else if (e.type === EXT_EC_POINT_FORMATS && e.pointFormats) c.pointFormats = e.pointFormats;
    else if (e.type === EXT_SIGNATURE_ALGORITHMS && e.signatureSchemes) c.signatureAlgorithms = e.signatureSchemes;
  }
  if (ch.alpnProtocols && ch.alpnProtocols.length > 0) c.alpnFirst = ch.alpnProtocols[0];
  return c;
}

function serverHelloFacts(sh: ServerHello): ServerHelloFacts {
  return { version: sh.legacyVersion, cipherSuite: sh.cipherSuite, extensions: types(sh.extensions) };
}

/** Session id the client offered (kept to recognise TLS 1.2 resumption). */
const clientSessionIds = new WeakMap<TlsFacts, Uint8Array>();

export function applyMessageFacts(f: TlsFacts, side: Side, type: number, d: DecodedMessage, clientHelloSeen: boolean): FactChange {
  switch (type) {
    case 1: {
      if (clientHelloSeen) return null; // second ClientHello after HRR keeps the first random
      const ch = d.typed as ClientHello | undefined;
      f.clientSide = side;
      f.clientSideBy = 'client-hello';
      if (!ch || !ch.random || ch.random.length !== 32) return null;
      f.clientHello = clientHelloFacts(ch);
      f.clientRandom = copyBytes(ch.random);
      if (ch.sessionId && ch.sessionId.length > 0) clientSessionIds.set(f, copyBytes(ch.sessionId));
      if (ch.serverName !== undefined) f.serverName = ch.serverName;
      if (hasExt(ch.extensions, EXT_EARLY_DATA)) f.earlyDataOffered = true;
      if (hasExt(ch.extensions, EXT_POST_HANDSHAKE_AUTH)) f.postHandshakeAuthOffered = true;
      return null;
    }
    case 2: {
      const sh = d.typed as ServerHello | undefined;
      if (!clientHelloSeen && f.clientSideBy === undefined) {
        // the capture started after the ClientHello: the client is the side the ServerHello went to
        f.clientSide = side === 0 ? 1 : 0;
        f.clientSideBy = 'server-hello';
      }
      if (!sh || !sh.random) return null;
      f.cipherSuite = sh.cipherSuite;
      f.version = sh.version;
      if (!sh.helloRetryRequest || f.serverHello === undefined) f.serverHello = serverHelloFacts(sh);
      if (sh.helloRetryRequest) {
        f.helloRetryRequest = true;
        return 'hello-retry';
      }
      f.serverRandom = copyBytes(sh.random);
      f.encryptThenMac = hasExt(sh.extensions, EXT_ENCRYPT_THEN_MAC);
      f.extendedMasterSecret = hasExt(sh.extensions, EXT_EXTENDED_MASTER_SECRET);
      if (sh.alpnProtocol !== undefined) f.alpn = sh.alpnProtocol;
      if (sh.version === ProtocolVersion.TLS13) {
        f.resumed = sh.selectedIdentity !== undefined;
      } else {
        const offered = clientSessionIds.get(f);
        f.resumed = !!offered && !!sh.sessionId && sameBytes(offered, sh.sessionId);
      }
      return 'server-hello';
    }
    case 8: {
      const ee = d.typed as EncryptedExtensions | undefined;
      if (ee?.alpnProtocol !== undefined) f.alpn = ee.alpnProtocol;
      return null;
    }
    case 20:
      return 'finished';
    case 24:
      return 'key-update';
    default:
      return null;
  }
}
