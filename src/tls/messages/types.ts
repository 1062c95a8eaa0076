/**
 * Typed results of the handshake message decoders. Byte fields are views into the input (never
 * copies); key material and signatures are reported by length only.
 */
import type { DecodeWarning } from './reader.js';

/** What the caller knows about the connection when a message is decoded. */
export interface DecodeContext {
  /** TLS 1.3 negotiated (Certificate, CertificateRequest, NewSessionTicket layouts differ). */
  tls13: boolean;
  /** Negotiated cipher suite (ServerKeyExchange / ClientKeyExchange layouts depend on it). */
  cipherSuite?: number;
  /** Message sent by the server. */
  fromServer: boolean;
  /** Build the report event's `details` (default true); false when no consumer reads them: the
   * message is decoded all the same, only the JSON-safe description is not made. */
  details?: boolean;
  /**
   * Negotiated version when known (0x0301..0x0303): TLS 1.0/1.1 lack the signature algorithm
   * fields of CertificateRequest, ServerKeyExchange and CertificateVerify. When absent the layout
   * is detected from the lengths.
   */
  version?: number;
}

export interface Decoded {
  /** Problems found while decoding; non-empty means fields may be missing. */
  warnings: DecodeWarning[];
  /** The message's structure did not parse (a length beyond its body): what it says is unknown —
   * e.g. a Certificate whose list overruns is malformed, never "empty". */
  malformed?: boolean;
}

/** Where an extension block appears; some extensions have a different body per message. */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

export interface KeyShareInfo {
  group: number;
  /** Length of key_exchange (the key bytes themselves are not kept). */
  keyLength: number;
}

export interface PskIdentityInfo {
  identityLength: number;
  obfuscatedTicketAge: number;
}

/**
 * One extension. `type`, `length` and `grease` are always set; the other fields are set only for
 * the extension types (and message contexts) they belong to.
 */
export interface TlsExtension {
  type: number;
  length: number;
  grease: boolean;
  serverNames?: string[];
  /** server_name entries whose name_type is not host_name(0). */
  otherServerNameTypes?: number[];
  maxFragmentLength?: number;
  statusType?: number;
  responderIdCount?: number;
  requestExtensionsLength?: number;
  /** status_request in a TLS 1.3 CertificateEntry: length of the OCSP response. */
  ocspResponseLength?: number;
  groups?: number[];
  pointFormats?: number[];
  signatureSchemes?: number[];
  alpnProtocols?: string[];
  heartbeatMode?: number;
  certificateTypes?: number[];
  compressionAlgorithms?: number[];
  recordSizeLimit?: number;
  /** supported_versions in ClientHello. */
  versions?: number[];
  /** supported_versions in ServerHello / HelloRetryRequest. */
  selectedVersion?: number;
  keyShares?: KeyShareInfo[];
  /** key_share in HelloRetryRequest (selected_group) or ServerHello (entry group). */
  selectedGroup?: number;
  /** key_share in ServerHello: key_exchange length. */
  keyLength?: number;
  pskIdentities?: PskIdentityInfo[];
  binderLengths?: number[];
  selectedIdentity?: number;
  maxEarlyDataSize?: number;
  pskModes?: number[];
  /** certificate_authorities: DER-encoded DistinguishedName views. */
  certificateAuthorities?: Uint8Array[];
  oidFilterCount?: number;
  cookieLength?: number;
  ticketLength?: number;
  renegotiatedConnectionLength?: number;
  paddingLength?: number;
  /** encrypted_client_hello: 0 outer, 1 inner (ClientHello); retry configs / confirmation otherwise. */
  echType?: number;
  echKdf?: number;
  echAead?: number;
  echConfigId?: number;
  echEncLength?: number;
  echPayloadLength?: number;
}

export interface ClientHello extends Decoded {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Empty when the message ends before the extensions block (allowed before TLS 1.2). */
  extensions: TlsExtension[];
  serverName?: string;
  alpnProtocols?: string[];
  supportedVersions?: number[];
}

export type DowngradeSentinel = 'tls12' | 'tls11_or_below';

export interface ServerHello extends Decoded {
  /** TLS 1.3 HelloRetryRequest: ServerHello with the special random (RFC 8446 §4.1.3). */
  helloRetryRequest: boolean;
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: TlsExtension[];
  /** supported_versions selection when present, else legacyVersion. */
  version: number;
  selectedGroup?: number;
  keyShareLength?: number;
  selectedIdentity?: number;
  alpnProtocol?: string;
  /** RFC 8446 §4.1.3 downgrade protection value in the last 8 bytes of random. */
  downgradeSentinel?: DowngradeSentinel;
}

export interface EncryptedExtensions extends Decoded {
  extensions: TlsExtension[];
  alpnProtocol?: string;
  serverNameAcknowledged: boolean;
  earlyDataAccepted: boolean;
}

export interface CertificateEntry {
  /** DER certificate (view). */
  der: Uint8Array;
  /** TLS 1.3 per-entry extensions (status_request, signed_certificate_timestamp). */
  extensions?: TlsExtension[];
}

export interface CertificateMessage extends Decoded {
  tls13: boolean;
  /** TLS 1.3 certificate_request_context (view, at most 255 bytes). */
  requestContext?: Uint8Array;
  /** The first MAX_CERTIFICATES_KEPT entries. */
  entries: CertificateEntry[];
  /** Entries decoded (and length-checked) but not kept beyond MAX_CERTIFICATES_KEPT. */
  notKept: number;
}

export interface CertificateRequest extends Decoded {
  tls13: boolean;
  /** TLS 1.2 and older. */
  certificateTypes?: number[];
  /** TLS 1.2 field, or the TLS 1.3 signature_algorithms extension. */
  signatureAlgorithms?: number[];
  signatureAlgorithmsCert?: number[];
  /** Acceptable CA names (DER Name views): TLS 1.2 list or TLS 1.3 certificate_authorities. */
  certificateAuthorities: Uint8Array[];
  requestContext?: Uint8Array;
  extensions?: TlsExtension[];
}

export interface ServerKeyExchange extends Decoded {
  /** Layout used; 'unknown' when neither the cipher suite nor the bytes tell. */
  keyExchange: string;
  /** The layout was guessed from the bytes (cipher suite not given or not registered). */
  guessed: boolean;
  pskIdentityHintLength?: number;
  curveType?: number;
  namedGroup?: number;
  publicKeyLength?: number;
  dhPBits?: number;
  dhGLength?: number;
  dhPublicLength?: number;
  rsaModulusBits?: number;
  rsaExponentLength?: number;
  srpNBits?: number;
  srpSaltLength?: number;
  signatureScheme?: number;
  signatureLength?: number;
}

export interface ClientKeyExchange extends Decoded {
  keyExchange: string;
  guessed: boolean;
  pskIdentityLength?: number;
  /** ECDH point or DH Yc length. */
  publicKeyLength?: number;
  encryptedPreMasterSecretLength?: number;
  /** Whole body length. */
  length: number;
}

export interface CertificateVerify extends Decoded {
  /** Absent in TLS 1.0/1.1 (no algorithm field). */
  signatureScheme?: number;
  signatureLength: number;
}

export interface Finished extends Decoded {
  verifyDataLength: number;
}

export interface NewSessionTicket extends Decoded {
  tls13: boolean;
  lifetime: number;
  ageAdd?: number;
  nonceLength?: number;
  ticketLength: number;
  extensions?: TlsExtension[];
  maxEarlyDataSize?: number;
}

export interface CertificateStatus extends Decoded {
  statusType: number;
  ocspResponseLength: number;
  /** ocsp_multi: number of responses. */
  responseCount?: number;
}

export interface KeyUpdate extends Decoded {
  requestUpdate: number;
}

export interface CompressedCertificate extends Decoded {
  algorithm: number;
  uncompressedLength: number;
  compressedLength: number;
}

export interface HelloVerifyRequest extends Decoded {
  serverVersion: number;
  cookieLength: number;
}

/** HelloRequest, EndOfEarlyData, ServerHelloDone and messages only reported by length. */
export interface OpaqueMessage extends Decoded {
  length: number;
}

export interface Sslv2ClientHello extends Decoded {
  messageType: number;
  version: number;
  /** 24-bit CIPHER-SPECs; TLS suites appear as 0x00XXXX. */
  cipherSpecs: number[];
  sessionIdLength: number;
  /** The challenge (16..32 bytes; becomes the client random of an upgraded handshake). */
  challenge: Uint8Array;
}
