/**
 * The per-connection model: one shape serves the text/markdown/html reports, the TUI and the JSON
 * report (src/report/json-connection.ts maps it to schema/report.schema.json). Optional fields are
 * omitted when unknown.
 */
import type { AppDataInfo, Direction } from '../tls/events.js';
import type { Warning } from '../warning-codes.js';
import type { DiagnosisCode, Severity } from './diagnosis-codes.js';

export type { Direction } from '../tls/events.js';
/** A warning: `{ code, message, frame?, offset?, direction? }`, defined with its codes in src/warning-codes.ts. */
export type WarningModel = Warning;
export type { WarningCode } from '../warning-codes.js';
export type Visibility = 'plaintext' | 'decrypted' | 'inferred';
export type EventKind = 'handshake' | 'alert' | 'change_cipher_spec' | 'encrypted' | 'heartbeat';

export interface EndpointModel {
  ip: string;
  port: number;
}

export interface CertificateModel {
  subject: string;
  issuer: string;
  serialNumber?: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  subjectAltNames?: string[];
  extendedKeyUsage?: string[];
  keyUsage?: string[];
  publicKey?: string;
  signatureAlgorithm?: string;
  selfSigned?: boolean;
  isCa?: boolean;
  error?: string;
}

/** A decrypted application-data record (event kind 'encrypted', type 'ApplicationData',
 * visibility 'decrypted'): what its first bytes show (src/tls/app-data.ts). Only the first few
 * records per direction; firstLine and title are printable ASCII, still to be sanitised for display. */
export type ApplicationDataModel = AppDataInfo;

export interface EventModel {
  frame: number;
  frames?: number[];
  time: string;
  /** Seconds since the connection's first packet (for ladders). */
  relTime?: number;
  direction: Direction;
  kind: EventKind;
  visibility: Visibility;
  type?: string;
  length?: number;
  streamOffset?: number;
  recordIndex?: number;
  level?: 'warning' | 'fatal' | 'unknown';
  description?: string;
  code?: number;
  certificates?: CertificateModel[];
  certificateAuthorities?: string[];
  details?: Record<string, unknown>;
  /** Decrypted application data (type 'ApplicationData'). */
  application?: ApplicationDataModel;
  /** For inferred events: the reasoning in words. */
  reason?: string;
  /** The message did not parse (a length beyond its body): its contents are unknown. */
  malformed?: boolean;
  /** Certificate messages: certificates decoded beyond the ones kept (at most 32 per message). */
  certificatesNotKept?: number;
}

/** One diagnosis of one connection: only what is specific to it. The RFC reference, the general
 * explanation and the fix are the code's, in the catalogue (./diagnosis-catalogue.ts). */
export interface DiagnosisModel {
  code: DiagnosisCode;
  severity: Severity;
  /** One line a person reads first. */
  summary: string;
  /** The evidence the diagnosis rests on, in words (alert, CA list, names, timing ...). */
  evidence?: string[];
  evidenceFrames: number[];
  inferred?: boolean;
}

export type ClientCertStatus = 'not-requested' | 'sent' | 'empty' | 'not-sent' | 'unknown' | 'malformed';

export interface ClientCertificateModel {
  requested: boolean | 'unknown';
  status: ClientCertStatus;
  visibility?: Visibility;
  frame?: number;
  frames?: number[];
  recordIndex?: number;
  streamOffset?: number;
  length?: number;
  chain?: CertificateModel[];
  acceptedAuthorities?: string[];
  /** Frame of the server's CertificateRequest. */
  requestFrame?: number;
  /** One sentence saying where the client certificate is (or why there is none). */
  sentence?: string;
  /** Why the status is `unknown` when that is known (e.g. 'handshake-not-captured', 'resumed',
   * 'post-handshake-auth-possible'). */
  unknownBecause?: 'handshake-not-captured' | 'resumed' | 'post-handshake-auth-possible';
  /** The client's CertificateVerify signature checked against the certificate's public key and
   * the handshake transcript (present when a CertificateVerify was seen). */
  certificateVerify?: CertificateVerifyModel;
}

/** How the client was told from the server when the TCP SYN or the ClientHello did not say it. */
export interface OrientationModel {
  basis: 'syn' | 'client-hello' | 'server-hello' | 'listening-port' | 'well-known-port' | 'lower-port' | 'first-packet';
  /** A guess (no SYN, no Hello): client and server may be the other way round. */
  inferred: boolean;
  reason?: string;
}

export interface CertificateVerifyModel {
  /** False: it could not be checked (see reason), and nothing follows from it. */
  checked: boolean;
  /** Set when checked. */
  valid?: boolean;
  scheme?: string;
  reason?: string;
  frame: number;
}

export interface DirectionTraffic {
  records: number;
  bytes: number;
}

export interface TcpFacts {
  packets: { clientToServer: number; serverToClient: number };
  bytes: { clientToServer: number; serverToClient: number };
  retransmissions: { clientToServer: number; serverToClient: number };
  gaps: { clientToServer: number; serverToClient: number };
  gapBytes: { clientToServer: number; serverToClient: number };
  synSeen: boolean;
  closedBy?: string;
  finFrames?: number[];
  rstFrames?: number[];
}

/** TLS fingerprints (snake_case keys as the fingerprints' authors and tshark name them). */
export interface FingerprintsModel {
  ja4?: string;
  ja4_r?: string;
  ja3?: string;
  ja3_full?: string;
  ja3s?: string;
  ja3s_full?: string;
}

/** TLS inside QUIC (transport 'quic'): what the QUIC layer showed. */
export interface QuicModel {
  /** Wireshark's udp.stream (also the connection's id). */
  udpStream: number;
  version: string;
  versionNumber: string;
  /** The client's first Destination Connection ID (hex; it keys the Initial packets). */
  originalDcid: string;
  versionNegotiation?: { frame: number; versions: string[] };
  retry?: { frame: number; tokenLength: number };
  packets: Record<string, { clientToServer: number; serverToClient: number }>;
  undecrypted: { clientToServer: number; serverToClient: number };
  closes: Array<{
    frame: number;
    direction: Direction;
    packetType: string;
    packetNumber: number;
    errorCode: string;
    error: string;
    application: boolean;
    reason?: string;
  }>;
}

export interface ConnectionModel {
  /** tcp: Wireshark's tcp.stream; quic: Wireshark's udp.stream (the two are separate counters). */
  id: number;
  /** 'tcp' (TLS records over TCP) or 'quic' (TLS in QUIC CRYPTO frames over UDP). */
  transport?: 'tcp' | 'quic';
  /** QUIC: Wireshark's udp.stream (= id). */
  udpStream?: number;
  client: EndpointModel;
  server: EndpointModel;
  firstFrame: number;
  lastFrame: number;
  startTime: string;
  endTime: string;
  isTls: boolean;
  version?: string;
  cipherSuite?: string;
  serverName?: string;
  alpn?: string;
  established?: boolean;
  decrypted?: boolean;
  resumed?: boolean;
  history?: string;
  /** JA4 / JA4_r / JA3 of the first ClientHello, JA3S of the ServerHello (./fingerprints.ts). */
  fingerprints?: FingerprintsModel;
  events: EventModel[];
  applicationData?: { clientToServer: DirectionTraffic; serverToClient: DirectionTraffic };
  clientCertificate: ClientCertificateModel;
  serverCertificates?: CertificateModel[];
  alerts: EventModel[];
  diagnoses: DiagnosisModel[];
  tcp: TcpFacts;
  /** TLS started after a plaintext prefix (STARTTLS): bytes of plaintext before it, per direction. */
  startTls?: { clientToServer: number; serverToClient: number };
  /** Present when neither the TCP SYN nor the ClientHello decided who the client is. */
  orientation?: OrientationModel;
  /** No ClientHello or ServerHello was captured (the capture started after the handshake). */
  handshakeCaptured?: boolean;
  /** QUIC connections only. */
  quic?: QuicModel;
  /** Verdict used for colours and filters. */
  verdict: 'ok' | 'mtls-ok' | 'failed' | 'warning' | 'not-tls' | 'incomplete';
  /** The verdict rests on inferred evidence only (TLS 1.3 record sizes without keys): reports
   * show it as such (`[mtls-ok?]`). */
  verdictInferred?: boolean;
  warnings: WarningModel[];
}

export interface SourceModel {
  kind: 'pcap' | 'pcapng' | 'live';
  path?: string;
  packets: number;
  bytes?: number;
  linkTypes: number[];
  keylogSecretsLoaded?: number;
  warnings: WarningModel[];
  skipped?: Record<string, number>;
}

export interface SummaryModel {
  /** Every connection: TCP and QUIC. */
  connections: number;
  /** QUIC connections among them (present when any). */
  quicConnections?: number;
  tlsConnections: number;
  alerts: Record<string, number>;
  diagnoses: Record<string, number>;
  verdicts: Record<string, number>;
  clientCertificates: Record<string, number>;
  clientCertSubjects: Record<string, number>;
  /** Client certificate leaves counted by (subject, issuer), most connections first. */
  clientCertIssuers?: Array<{ subject: string; issuer: string; connections: number }>;
  /** Set when a filter chose the reported connections: the counts above are over those. */
  filter?: SummaryFilter;
  failingPairs: Array<{ client: string; server: string; failures: number }>;
  /** Reported connections with bytes missing from a TCP stream (capture-gap). */
  connectionsWithGaps: number;
  /** Live capture only: the capture engine (cap, dumpcap, tcpdump). */
  captureEngine?: string;
  /** Live capture only: packets the kernel capture ring dropped; null when the engine cannot tell (cap). */
  kernelDrops?: number | null;
  /** Live capture only: packets the interface/driver dropped; null when unknown. */
  interfaceDrops?: number | null;
  /** Live capture only: packets tls-inspect itself discarded from its bounded queue. */
  packetsShed?: number;
}

/** A key unique over TCP and QUIC connections (their ids are separate Wireshark counters:
 * tcp.stream and udp.stream): the id for TCP, -1 - id for QUIC. For maps, never shown. */
export function connectionKey(c: { id: number; transport?: 'tcp' | 'quic' }): number {
  return c.transport === 'quic' ? -1 - c.id : c.id;
}

export interface SummaryFilter {
  /** The filter as given, e.g. `--host 10.0.0.1 -Y 'verdict == "failed"'`. */
  description: string;
  /** Connections kept / connections the filter was tried on. */
  matched: number;
  tested: number;
  /** -Y fields that no tested connection has (a typo, or a field of another kind of connection). */
  unknownFields?: string[];
}

/** The generic text of one diagnosis code (./diagnosis-catalogue.ts). */
export interface CatalogueEntry {
  rfc: string;
  explanation: string;
  fix: string;
}

export interface ReportModel {
  schemaVersion: 2;
  tool: { name: 'tls-inspect'; version: string };
  source: SourceModel;
  connections: ConnectionModel[];
  summary: SummaryModel;
  /** The catalogue entries of the diagnosis codes used in this report, by code. */
  catalogue: Partial<Record<DiagnosisCode, CatalogueEntry>>;
}
