/**
 * What the tls stage hands downstream: per connection, the TLS events in wire order plus the facts
 * learned from them. Sides follow src/tcp (0 = TCP client candidate); `clientSide` says which side
 * sent the ClientHello (it differs from 0 only when the SYN was not captured).
 */
import type { Side, TcpConnection } from '../tcp/types.js';
import type { StageWarning } from '../warning-codes.js';
import type { DecodeWarning } from './messages/reader.js';

export type TlsEventKind = 'handshake' | 'alert' | 'change_cipher_spec' | 'encrypted' | 'heartbeat';

/** The one spelling of a direction, in reports, warnings and the JSON contract. */
export type Direction = 'client->server' | 'server->client';

/** The direction a side sends in, given which side sent the ClientHello. */
export function directionOf(side: Side, clientSide: Side): Direction {
  return side === clientSide ? 'client->server' : 'server->client';
}
export type TlsVisibility = 'plaintext' | 'decrypted' | 'inferred';

/** What a decrypted application-data record starts with (src/tls/app-data.ts). */
export interface AppDataInfo {
  /** What the bytes look like; 'unknown' when neither HTTP/1.x nor HTTP/2 is recognised. */
  protocol: 'http/1.x' | 'http2' | 'unknown';
  /** HTTP/1.x: the request or status line (printable ASCII only, at most 200 characters). */
  firstLine?: string;
  /** Response status: HTTP/1.x status line, or HTTP/2 :status sent as an HPACK static index. */
  status?: number;
  /** The HTML <title> of a response body within the first bytes (e.g. nginx "400 The SSL certificate error"). */
  title?: string;
  /** The record starts with the HTTP/2 client connection preface (RFC 9113 §3.4). */
  preface?: boolean;
  /** HTTP/2 frame types whose header lies in this record, in order (at most 16). */
  frames?: string[];
  /** HTTP/2 GOAWAY (RFC 9113 §6.8). */
  goaway?: { lastStreamId: number; errorCode: number; error: string };
}

export interface TlsEvent {
  side: Side;
  kind: TlsEventKind;
  visibility: TlsVisibility;
  /** Frame that completed the event (Wireshark shows it there). */
  frame: number;
  frames: number[];
  tsSec: number;
  tsNsec: number;
  /** Stream offset of the message (handshake) or record (others) in its direction. */
  streamOffset: number;
  /** Index of the record (in its direction) carrying the first byte. */
  recordIndex: number;
  /** Handshake: message type number and PascalCase name; encrypted: guessed name when inferred. */
  handshakeType?: number;
  type?: string;
  /** Handshake body length or record length. */
  length?: number;
  alertLevel?: number;
  alertCode?: number;
  /** Decoded fields (JSON-safe). */
  details?: Record<string, unknown>;
  /** Certificate messages: DER of each certificate (copies, safe to keep). */
  certificates?: Uint8Array[];
  /** Certificate messages: certificates beyond the decoder's limit (counted, not kept), when > 0. */
  certificatesNotKept?: number;
  /** CertificateRequest: DER Names of acceptable CAs (copies). */
  certificateAuthorities?: Uint8Array[];
  /** The whole message / record bytes (copy) when the pipeline keeps bytes (TUI hex pane). */
  raw?: Uint8Array;
  /** The record the message came in (copy), with `rawOffset` = offset of `raw` inside it. */
  record?: Uint8Array;
  rawOffset?: number;
  /** Decrypted application data (type 'ApplicationData'): what its first bytes show. */
  app?: AppDataInfo;
  /** Inference reasoning or decoder remarks. */
  reason?: string;
  warnings?: DecodeWarning[];
  /** The message's structure did not parse: its contents are unknown, not empty. */
  malformed?: boolean;
}

export interface TrafficCount {
  records: number;
  bytes: number;
}

/**
 * The first ClientHello's lists as sent (GREASE included, wire order), for fingerprints (JA3, JA4)
 * computed downstream. Arrays are the decoder's own (no copies).
 */
export interface ClientHelloFacts {
  /** legacy_version. */
  version: number;
  cipherSuites: number[];
  /** Extension types in wire order. */
  extensions: number[];
  supportedGroups: number[];
  pointFormats: number[];
  signatureAlgorithms: number[];
  supportedVersions: number[];
  /** First ALPN protocol name, one char per byte (latin1); absent without ALPN or values. */
  alpnFirst?: string;
}

/** The ServerHello's legacy_version, cipher suite and extension types (wire order), for JA3S. */
export interface ServerHelloFacts {
  version: number;
  cipherSuite: number;
  extensions: number[];
}

export interface TlsFacts {
  isTls: boolean;
  /** The side that sent the ClientHello (0 unless the capture missed the SYN and the server spoke first). */
  clientSide: Side;
  /** What decided `clientSide`: the ClientHello's sender, or (capture started after it) the side
   * the ServerHello did not come from; undefined when no Hello was captured. */
  clientSideBy?: 'client-hello' | 'server-hello';
  /** TLS 1.3: the ClientHello offered post_handshake_auth (the server may request a client
   * certificate after the handshake, under the application keys). */
  postHandshakeAuthOffered?: boolean;
  sslv2ClientHello: boolean;
  /** Negotiated protocol version number (0x0304 = TLS 1.3), 0 when unknown. */
  version: number;
  cipherSuite: number;
  serverName?: string;
  alpn?: string;
  /** The first ClientHello (a second one after HelloRetryRequest is not kept). */
  clientHello?: ClientHelloFacts;
  /** The ServerHello that is not a HelloRetryRequest (else the HelloRetryRequest). */
  serverHello?: ServerHelloFacts;
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  helloRetryRequest: boolean;
  /** Resumed: TLS 1.3 server accepted a PSK, or TLS 1.2 abbreviated handshake (session id / ticket). */
  resumed: boolean;
  encryptThenMac: boolean;
  extendedMasterSecret: boolean;
  /** The ClientHello carried early_data (TLS 1.3 0-RTT). */
  earlyDataOffered?: boolean;
  /** Application data (outer records type 23 after the handshake, or decrypted inner type 23). */
  appData: [TrafficCount, TrafficCount];
  /** Plaintext bytes before the first TLS record (STARTTLS), per side; null when TLS started at 0. */
  startTlsOffset: [number, number] | null;
  /** At least one record was decrypted with key-log secrets. */
  decrypted: boolean;
  /** Encrypted records seen per side (not decrypted). */
  encryptedRecords: [number, number];
  events: TlsEvent[];
  eventsDropped: number;
  /** Connection warnings (capped; `warningsDropped` counts the rest). */
  warnings: StageWarning[];
  warningsDropped: number;
  /** Capture gaps inside the TLS stream (capped). */
  gaps?: Array<{ side: Side; streamOffset: number; length: number; frames: number[] }>;
  /** Set when key-log secrets exist for this connection but do not decrypt it. */
  keyProblem?: string;
  /** Key-log secrets were found for this connection's ClientHello random. */
  keysFound?: boolean;
  /** Secrets the key log lacks for this connection (names only, never values). */
  missingSecrets?: string[];
  /** Set for TLS carried in QUIC CRYPTO frames (src/quic); absent for TLS over TCP. */
  quic?: QuicFacts;
  /** The client's CertificateVerify, checked (set only when one was seen in the handshake). */
  clientCertificateVerify?: CertificateVerifyFact;
}

/** A QUIC CONNECTION_CLOSE frame (RFC 9000 §19.19). */
export interface QuicClose {
  frame: number;
  side: Side;
  /** Packet type that carried it: Initial, Handshake, 1-RTT. */
  packetType: string;
  packetNumber: number;
  errorCode: number;
  /** 0x1d: an application error code; else a transport / crypto error. */
  application: boolean;
  frameType?: number;
  reason?: string;
}

/** What the QUIC layer says about one QUIC connection (src/quic). */
export interface QuicFacts {
  /** Wireshark's udp.stream of the connection's first packet. */
  udpStream: number;
  /** Version of the connection's long-header packets (wire number) and its name. */
  version: number;
  versionName: string;
  /** Destination Connection ID of the client's first Initial (public, hex): the Initial keys. */
  originalDcid: string;
  /** Version Negotiation packet: its frame and the versions the server offered. */
  versionNegotiation?: { frame: number; versions: number[] };
  /** Retry packet (server address validation): its frame; Initial keys restart from its SCID. */
  retry?: { frame: number; tokenLength: number };
  /** Long/short header packets per type, [client, server]. */
  packets: Record<string, [number, number]>;
  /** Packets that did not decrypt (no keys, or damaged), [client, server]. */
  undecrypted: [number, number];
  closes: QuicClose[];
}

/** The client's CertificateVerify signature checked against its certificate and the transcript. */
export interface CertificateVerifyFact {
  /** False when it could not be checked (transcript incomplete, unknown scheme ...): see `reason`. */
  checked: boolean;
  /** Set when checked: the signature verifies with the client certificate's public key. */
  valid?: boolean;
  /** Signature scheme name from the message. */
  scheme?: string;
  /** Why it is invalid or could not be checked. */
  reason?: string;
  /** Frame of the CertificateVerify. */
  frame: number;
}

/** Downstream of the tls stage (the analysis stage implements it). */
export interface TlsObserver {
  /** A new event on a connection (live views update from this); optional. */
  event?(conn: TcpConnection, facts: TlsFacts, ev: TlsEvent): void;
  /** The connection is over: no more calls for it. */
  complete(conn: TcpConnection, facts: TlsFacts): void;
}
