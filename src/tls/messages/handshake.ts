/**
 * One entry point for the TLS stage: decode a complete handshake message body by type and build
 * the JSON-safe `details` of the report event. Never throws.
 */
import { cipherSuiteName } from '../registry/cipher-suites.js';
import { handshakeTypeName, HandshakeType as H } from '../registry/handshake-types.js';
import {
  certCompressionAlgorithmName,
  certificateStatusTypeName,
  clientCertificateTypeName,
  compressionMethodName,
  ecCurveTypeName,
  keyUpdateRequestName,
  SSL2_CIPHER_SPECS,
} from '../registry/misc-codes.js';
import { namedGroupName } from '../registry/named-groups.js';
import { signatureSchemeName } from '../registry/signature-schemes.js';
import { versionName } from '../registry/versions.js';
import { decodeCertificate, decodeCertificateStatus, decodeCompressedCertificate } from './certificate.js';
import { decodeCertificateRequest } from './certificate-request.js';
import { decodeClientHello, decodeSslv2ClientHello } from './client-hello.js';
import { cipherSuiteNames, extensionsDetails, type Json, names } from './extension-details.js';
import { decodeClientKeyExchange, decodeServerKeyExchange } from './key-exchange.js';
import { toHex, type DecodeWarning } from './reader.js';
import { decodeEncryptedExtensions, decodeHelloVerifyRequest, decodeServerHello } from './server-hello.js';
import { decodeNewSessionTicket } from './session-ticket.js';
import { decodeEmptyMessage, decodeKeyUpdate, decodeOpaqueMessage } from './simple-messages.js';
import type * as T from './types.js';
import { decodeCertificateVerify, decodeFinished } from './verify.js';

export type DecodedMessage =
  | T.ClientHello | T.ServerHello | T.EncryptedExtensions | T.CertificateMessage | T.CertificateRequest
  | T.ServerKeyExchange | T.ClientKeyExchange | T.CertificateVerify | T.Finished | T.NewSessionTicket
  | T.CertificateStatus | T.KeyUpdate | T.CompressedCertificate | T.HelloVerifyRequest | T.OpaqueMessage
  | T.Sslv2ClientHello;

export interface HandshakeDecodeResult {
  /** PascalCase message name (HelloRetryRequest for a ServerHello with the HRR random). */
  name: string;
  details: { [key: string]: Json };
  /** Certificate: DER views in chain order. */
  certificates?: Uint8Array[];
  /** CertificateRequest: DER Name views of acceptable CAs. */
  certificateAuthorities?: Uint8Array[];
  typed: DecodedMessage;
  warnings: DecodeWarning[];
  /** The structure did not parse (see Decoded.malformed). */
  malformed?: boolean;
}

/** Copy the number/string/boolean fields of a typed message (skips warnings, views, arrays). */
function primitives(m: object): { [key: string]: Json } {
  const d: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') d[k] = v;
  }
  return d;
}

function clientHelloDetails(m: T.ClientHello): { [key: string]: Json } {
  const d: { [key: string]: Json } = {
    legacyVersion: versionName(m.legacyVersion),
    random: toHex(m.random),
    sessionId: toHex(m.sessionId),
    cipherSuites: cipherSuiteNames(m.cipherSuites),
    compressionMethods: names(m.compressionMethods, compressionMethodName),
    extensions: extensionsDetails(m.extensions),
  };
  if (m.serverName !== undefined) d.serverName = m.serverName;
  if (m.alpnProtocols) d.alpn = m.alpnProtocols;
  if (m.supportedVersions) d.supportedVersions = names(m.supportedVersions, versionName);
  return d;
}

function serverHelloDetails(m: T.ServerHello): { [key: string]: Json } {
  const d: { [key: string]: Json } = {
    version: versionName(m.version),
    legacyVersion: versionName(m.legacyVersion),
    random: toHex(m.random),
    sessionId: toHex(m.sessionId),
    cipherSuite: cipherSuiteName(m.cipherSuite),
    compressionMethod: compressionMethodName(m.compressionMethod),
    helloRetryRequest: m.helloRetryRequest,
    extensions: extensionsDetails(m.extensions),
  };
  if (m.selectedGroup !== undefined) d.keyShareGroup = namedGroupName(m.selectedGroup);
  if (m.keyShareLength !== undefined) d.keyShareLength = m.keyShareLength;
  if (m.selectedIdentity !== undefined) d.pskSelectedIdentity = m.selectedIdentity;
  if (m.alpnProtocol !== undefined) d.alpn = m.alpnProtocol;
  if (m.downgradeSentinel !== undefined) d.downgradeSentinel = m.downgradeSentinel;
  return d;
}

function certificateDetails(m: T.CertificateMessage): { [key: string]: Json } {
  const d: { [key: string]: Json } = {
    certificateCount: m.entries.length + m.notKept,
    certificateLengths: m.entries.map((e) => e.der.length),
  };
  if (m.notKept > 0) d.certificatesNotKept = m.notKept;
  if (m.requestContext !== undefined) d.requestContext = toHex(m.requestContext);
  if (m.tls13) d.entryExtensions = m.entries.map((e) => extensionsDetails(e.extensions ?? []));
  return d;
}

function certificateRequestDetails(m: T.CertificateRequest): { [key: string]: Json } {
  const d: { [key: string]: Json } = {
    certificateAuthorityCount: m.certificateAuthorities.length,
    certificateAuthorityLengths: m.certificateAuthorities.map((dn) => dn.length),
  };
  if (m.certificateTypes) d.certificateTypes = names(m.certificateTypes, clientCertificateTypeName);
  if (m.signatureAlgorithms) d.signatureAlgorithms = names(m.signatureAlgorithms, signatureSchemeName);
  if (m.signatureAlgorithmsCert) d.signatureAlgorithmsCert = names(m.signatureAlgorithmsCert, signatureSchemeName);
  if (m.requestContext !== undefined) d.requestContext = toHex(m.requestContext);
  if (m.extensions) d.extensions = extensionsDetails(m.extensions);
  return d;
}

function keyExchangeDetails(m: T.ServerKeyExchange | T.ClientKeyExchange): { [key: string]: Json } {
  const d = primitives(m);
  if ('curveType' in m && m.curveType !== undefined) d.curveType = ecCurveTypeName(m.curveType);
  if ('namedGroup' in m && m.namedGroup !== undefined) d.namedGroup = namedGroupName(m.namedGroup);
  if ('signatureScheme' in m && m.signatureScheme !== undefined) d.signatureScheme = signatureSchemeName(m.signatureScheme);
  return d;
}

function describe(type: number, body: Uint8Array, ctx: T.DecodeContext): HandshakeDecodeResult {
  const base = (typed: DecodedMessage, details: { [key: string]: Json }, name = handshakeTypeName(type)): HandshakeDecodeResult =>
    typed.malformed ? { name, details, typed, warnings: typed.warnings, malformed: true } : { name, details, typed, warnings: typed.warnings };
  switch (type) {
    case H.ClientHello: {
      const m = decodeClientHello(body);
      return base(m, clientHelloDetails(m));
    }
    case H.ServerHello: {
      const m = decodeServerHello(body);
      return base(m, serverHelloDetails(m), m.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello');
    }
    case H.HelloVerifyRequest: {
      const m = decodeHelloVerifyRequest(body);
      return base(m, { serverVersion: versionName(m.serverVersion), cookieLength: m.cookieLength });
    }
    case H.EncryptedExtensions: {
      const m = decodeEncryptedExtensions(body);
      const d: { [key: string]: Json } = { extensions: extensionsDetails(m.extensions), serverNameAcknowledged: m.serverNameAcknowledged, earlyDataAccepted: m.earlyDataAccepted };
      if (m.alpnProtocol !== undefined) d.alpn = m.alpnProtocol;
      return base(m, d);
    }
    case H.Certificate: {
      const m = decodeCertificate(body, ctx.tls13);
      return { ...base(m, certificateDetails(m)), certificates: m.entries.map((e) => e.der) };
    }
    case H.CertificateRequest: {
      const m = decodeCertificateRequest(body, ctx.tls13, ctx.version);
      return { ...base(m, certificateRequestDetails(m)), certificateAuthorities: m.certificateAuthorities };
    }
    case H.ServerKeyExchange: {
      const m = decodeServerKeyExchange(body, ctx);
      return base(m, keyExchangeDetails(m));
    }
    case H.ClientKeyExchange: {
      const m = decodeClientKeyExchange(body, ctx);
      return base(m, keyExchangeDetails(m));
    }
    case H.CertificateVerify: {
      const m = decodeCertificateVerify(body, ctx.tls13, ctx.version);
      const d: { [key: string]: Json } = { signatureLength: m.signatureLength };
      if (m.signatureScheme !== undefined) d.signatureScheme = signatureSchemeName(m.signatureScheme);
      return base(m, d);
    }
    case H.Finished: {
      const m = decodeFinished(body);
      return base(m, { verifyDataLength: m.verifyDataLength });
    }
    case H.NewSessionTicket: {
      const m = decodeNewSessionTicket(body, ctx.tls13);
      const d = primitives(m);
      if (m.extensions) d.extensions = extensionsDetails(m.extensions);
      return base(m, d);
    }
    case H.CertificateStatus: {
      const m = decodeCertificateStatus(body);
      return base(m, { ...primitives(m), statusType: certificateStatusTypeName(m.statusType) });
    }
    case H.KeyUpdate: {
      const m = decodeKeyUpdate(body);
      return base(m, { requestUpdate: keyUpdateRequestName(m.requestUpdate) });
    }
    case H.CompressedCertificate: {
      const m = decodeCompressedCertificate(body);
      return base(m, { ...primitives(m), algorithm: certCompressionAlgorithmName(m.algorithm) });
    }
    case H.HelloRequest:
    case H.ServerHelloDone:
    case H.EndOfEarlyData: {
      const m = decodeEmptyMessage(body, handshakeTypeName(type));
      return base(m, {});
    }
    default: {
      const m = decodeOpaqueMessage(body);
      return base(m, { length: m.length });
    }
  }
}

/**
 * Decode one handshake message body (the bytes after the 4-byte header). `ctx.tls13` selects the
 * TLS 1.3 layouts; `ctx.cipherSuite` the key exchange layout; `ctx.version` (optional) the
 * TLS 1.0/1.1 layouts. Never throws: on malformed input the fields decoded so far are returned
 * with warnings.
 */
export function decodeHandshake(type: number, body: Uint8Array, ctx: T.DecodeContext): HandshakeDecodeResult {
  try {
    return describe(type, body, ctx);
  } catch (err) {
    // Defensive: a decoder bug must not take the pipeline down.
    const m = decodeOpaqueMessage(body);
    m.warnings.push({ code: 'tls-decoder-internal-error', message: `internal decoder error: ${err instanceof Error ? err.message : String(err)}` });
    return { name: handshakeTypeName(type), details: { length: body.length }, typed: m, warnings: m.warnings };
  }
}

/** The SSL 2.0 CLIENT-HELLO as the same result shape (name ClientHello). */
export function decodeSslv2Handshake(body: Uint8Array): HandshakeDecodeResult {
  const m = decodeSslv2ClientHello(body);
  const specNames = m.cipherSpecs.map((s) => SSL2_CIPHER_SPECS[s] ?? (s >> 16 === 0 ? cipherSuiteName(s) : '0x' + s.toString(16).padStart(6, '0')));
  const details: { [key: string]: Json } = {
    sslv2: true,
    version: versionName(m.version),
    cipherSpecs: specNames,
    sessionIdLength: m.sessionIdLength,
    challenge: toHex(m.challenge),
  };
  return { name: 'ClientHello', details, typed: m, warnings: m.warnings };
}
