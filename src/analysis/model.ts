/**
 * The per-connection model: one shape serves the JSON contract (../shared/spec/report.schema.json),
 * the text/markdown/html reports and the TUI. Optional fields are omitted when unknown.
 */

export type Direction = 'client->server' | 'server->client';
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
  /** For inferred events: the reasoning in words. */
  reason?: string;
}

export interface DiagnosisModel {
  code: string;
  severity: 'error' | 'warning' | 'info';
  summary: string;
  explanation?: string;
  fix?: string;
  evidenceFrames: number[];
  /** The evidence the diagnosis rests on, in words (alert, CA list, timing ...). */
  evidence?: string[];
  inferred?: boolean;
}

export type ClientCertStatus = 'not-requested' | 'sent' | 'empty' | 'not-sent' | 'unknown';

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

export interface ConnectionModel {
  id: number;
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
  events: EventModel[];
  applicationData?: { clientToServer: DirectionTraffic; serverToClient: DirectionTraffic };
  clientCertificate: ClientCertificateModel;
  serverCertificates?: CertificateModel[];
  alerts: EventModel[];
  diagnoses: DiagnosisModel[];
  tcp: TcpFacts;
  /** TLS started after a plaintext prefix (STARTTLS): bytes of plaintext before it, per direction. */
  startTls?: { clientToServer: number; serverToClient: number };
  /** Verdict used for colours and filters. */
  verdict: 'ok' | 'mtls-ok' | 'failed' | 'warning' | 'not-tls' | 'incomplete';
  warnings: string[];
}

export interface SourceModel {
  kind: 'pcap' | 'pcapng' | 'live';
  path?: string;
  packets: number;
  bytes?: number;
  linkTypes: number[];
  keylogSecretsLoaded?: number;
  warnings: string[];
  skipped?: Record<string, number>;
}

export interface SummaryModel {
  connections: number;
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

export interface ReportModel {
  schemaVersion: 1;
  tool: { name: 'tls-inspect'; version: string };
  source: SourceModel;
  connections: ConnectionModel[];
  summary: SummaryModel;
}
