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

/** The typed message of one handshake body, by type. */
function decodeTyped(type: number, body: Uint8Array, ctx: T.DecodeContext): DecodedMessage {
  switch (type) {
    case H.ClientHello: return decodeClientHello(body);
    case H.ServerHello: return decodeServerHello(body);
    case H.HelloVerifyRequest: return decodeHelloVerifyRequest(body);
    case H.EncryptedExtensions: return decodeEncryptedExtensions(body);
    case H.Certificate: return decodeCertificate(body, ctx.tls13);
    case H.CertificateRequest: return decodeCertificateRequest(body, ctx.tls13, ctx.version);
    case H.ServerKeyExchange: return decodeServerKeyExchange(body, ctx);
    case H.ClientKeyExchange: return decodeClientKeyExchange(body, ctx);
    case H.CertificateVerify: return decodeCertificateVerify(body, ctx.tls13, ctx.version);
    case H.Finished: return decodeFinished(body);
    case H.NewSessionTicket: return decodeNewSessionTicket(body, ctx.tls13);
    case H.CertificateStatus: return decodeCertificateStatus(body);
    case H.KeyUpdate: return decodeKeyUpdate(body);
    case H.CompressedCertificate: return decodeCompressedCertificate(body);
    case H.HelloRequest:
    case H.ServerHelloDone:
    case H.EndOfEarlyData:
      return decodeEmptyMessage(body, handshakeTypeName(type));
    default: return decodeOpaqueMessage(body);
  }
}

/** The report event's `details` of a typed message (`m` is what decodeTyped made of `type`). */
function detailsOf(type: number, m: DecodedMessage): { [key: string]: Json } {
  switch (type) {
    case H.ClientHello: return clientHelloDetails(m as T.ClientHello);
    case H.ServerHello: return serverHelloDetails(m as T.ServerHello);
    case H.HelloVerifyRequest: {
      const v = m as T.HelloVerifyRequest;
      return { serverVersion: versionName(v.serverVersion), cookieLength: v.cookieLength };
    }
    case H.EncryptedExtensions: {
      const e = m as T.EncryptedExtensions;
      const d: { [key: string]: Json } = { extensions: extensionsDetails(e.extensions), serverNameAcknowledged: e.serverNameAcknowledged, earlyDataAccepted: e.earlyDataAccepted };
      if (e.alpnProtocol !== undefined) d.alpn = e.alpnProtocol;
      return d;
    }
    case H.Certificate: return certificateDetails(m as T.CertificateMessage);
    case H.CertificateRequest: return certificateRequestDetails(m as T.CertificateRequest);
    case H.ServerKeyExchange: return keyExchangeDetails(m as T.ServerKeyExchange);
    case H.ClientKeyExchange: return keyExchangeDetails(m as T.ClientKeyExchange);
    case H.CertificateVerify: {
      const v = m as T.CertificateVerify;
      const d: { [key: string]: Json } = { signatureLength: v.signatureLength };
      if (v.signatureScheme !== undefined) d.signatureScheme = signatureSchemeName(v.signatureScheme);
      return d;
    }
    case H.Finished: return { verifyDataLength: (m as T.Finished).verifyDataLength };
    case H.NewSessionTicket: {
      const t = m as T.NewSessionTicket;
      const d = primitives(t);
      if (t.extensions) d.extensions = extensionsDetails(t.extensions);
      return d;
    }
    case H.CertificateStatus: return { ...primitives(m), statusType: certificateStatusTypeName((m as T.CertificateStatus).statusType) };
    case H.KeyUpdate: return { requestUpdate: keyUpdateRequestName((m as T.KeyUpdate).requestUpdate) };
    case H.CompressedCertificate: return { ...primitives(m), algorithm: certCompressionAlgorithmName((m as T.CompressedCertificate).algorithm) };
    case H.HelloRequest:
    case H.ServerHelloDone:
    case H.EndOfEarlyData:
      return {};
    default: return { length: (m as T.OpaqueMessage).length };
  }
}

/** `details` when the caller does not want them (shared: never mutated). */
const NO_DETAILS: { [key: string]: Json } = Object.freeze({}) as { [key: string]: Json };

function describe(type: number, body: Uint8Array, ctx: T.DecodeContext): HandshakeDecodeResult {
  const m = decodeTyped(type, body, ctx);
  const name = type === H.ServerHello && (m as T.ServerHello).helloRetryRequest ? 'HelloRetryRequest' : handshakeTypeName(type);
  const r: HandshakeDecodeResult = { name, details: ctx.details === false ? NO_DETAILS : detailsOf(type, m), typed: m, warnings: m.warnings };
  if (m.malformed) r.malformed = true;
  if (type === H.Certificate) r.certificates = (m as T.CertificateMessage).entries.map((e) => e.der);
  else if (type === H.CertificateRequest) r.certificateAuthorities = (m as T.CertificateRequest).certificateAuthorities;
  return r;
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
