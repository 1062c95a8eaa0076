/**
 * What the tls stage hands downstream: per connection, the TLS events in wire order plus the facts
 * learned from them. Sides follow src/tcp (0 = TCP client candidate); `clientSide` says which side
 * sent the ClientHello (it differs from 0 only when the SYN was not captured).
 */
import type { Side, TcpConnection } from '../tcp/types.js';

export type TlsEventKind = 'handshake' | 'alert' | 'change_cipher_spec' | 'encrypted' | 'heartbeat';
export type TlsVisibility = 'plaintext' | 'decrypted' | 'inferred';

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
  /** CertificateRequest: DER Names of acceptable CAs (copies). */
  certificateAuthorities?: Uint8Array[];
  /** The whole message / record bytes (copy) when the pipeline keeps bytes (TUI hex pane). */
  raw?: Uint8Array;
  /** The record the message came in (copy), with `rawOffset` = offset of `raw` inside it. */
  record?: Uint8Array;
  rawOffset?: number;
  /** Inference reasoning or decoder remarks. */
  reason?: string;
  warnings?: string[];
}

export interface TrafficCount {
  records: number;
  bytes: number;
}

export interface TlsFacts {
  isTls: boolean;
  /** The side that sent the ClientHello (0 unless the capture missed the SYN and the server spoke first). */
  clientSide: Side;
  sslv2ClientHello: boolean;
  /** Negotiated protocol version number (0x0304 = TLS 1.3), 0 when unknown. */
  version: number;
  cipherSuite: number;
  serverName?: string;
  alpn?: string;
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
  warnings: string[];
  warningsDropped: number;
  /** Capture gaps inside the TLS stream (capped). */
  gaps?: Array<{ side: Side; streamOffset: number; length: number; frames: number[] }>;
  /** Set when key-log secrets exist for this connection but do not decrypt it. */
  keyProblem?: string;
  /** Key-log secrets were found for this connection's ClientHello random. */
  keysFound?: boolean;
  /** Secrets the key log lacks for this connection (names only, never values). */
  missingSecrets?: string[];
  /** The client's CertificateVerify, checked (set only when one was seen in the handshake). */
  clientCertificateVerify?: CertificateVerifyFact;
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
