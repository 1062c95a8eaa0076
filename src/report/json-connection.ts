/**
 * A connection as report v2 JSON (schema/report.schema.json, `$defs/connection`), from the model the
 * other reports read. What changes against the model:
 * - certificates are referenced by SHA-256 (events[].certificates, clientCertificate.chain,
 *   serverCertificates); the certificate objects go once into the report's `certificates` table;
 * - diagnoses carry code, severity, summary, evidence, evidenceFrames, inferred: the generic
 *   explanation and fix go once per code into the report's `catalogue`;
 * - `alerts` (a copy of the alert events) is left out;
 * - without --details: no event `details` (the decoded message fields), `time`, `relTime`,
 *   `reason`, `certificateAuthorities` (the answer's acceptedAuthorities has them), `application`,
 *   no connection `fingerprints`, no clientCertificate `sentence` (the answer in words).
 *
 * The plain objects built here are handed to JSON.stringify at once (fixed member order, undefined
 * members omitted by it); model sub-objects with the same JSON shape (endpoints, tcp facts,
 * warnings ...) are passed by reference, not copied.
 */
import type { CertificateModel, ClientCertificateModel, ConnectionModel, DiagnosisModel, EventModel } from '../analysis/model.js';

export interface ConnectionJsonOptions {
  /** --details: decoded message fields, event times, reasons, fingerprints. */
  details: boolean;
}

/** Receives every certificate a connection refers to (the report's certificate table). */
export type CertificateSink = (cert: CertificateModel, connectionId: number) => void;

/** Model members this module writes itself (or leaves out); every other member is passed on. */
const HANDLED = new Set([
  'id', 'transport', 'udpStream', 'client', 'server', 'firstFrame', 'lastFrame', 'startTime', 'endTime', 'isTls',
  'version', 'cipherSuite', 'serverName', 'alpn', 'established', 'resumed', 'decrypted', 'verdict', 'verdictInferred',
  'history', 'handshakeCaptured', 'orientation', 'startTls', 'clientCertificate', 'serverCertificates', 'diagnoses',
  'events', 'alerts', 'tcp', 'applicationData', 'quic', 'warnings', 'fingerprints',
]);

/** The v2 JSON object of `c`; `sink` is called for every certificate it refers to. */
export function connectionJsonObject(c: ConnectionModel, opt: ConnectionJsonOptions, sink: CertificateSink): Record<string, unknown> {
  const id = c.id;
  const refs = (certs: CertificateModel[] | undefined): string[] | undefined => {
    if (certs === undefined) return undefined;
    const out = new Array<string>(certs.length);
    for (let i = 0; i < certs.length; i++) {
      const m = certs[i]!;
      sink(m, id);
      out[i] = m.sha256;
    }
    return out;
  };
  const o: Record<string, unknown> = {
    id,
    transport: c.transport,
    udpStream: c.udpStream,
    client: c.client,
    server: c.server,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    startTime: c.startTime,
    endTime: c.endTime,
    isTls: c.isTls,
    version: c.version,
    cipherSuite: c.cipherSuite,
    serverName: c.serverName,
    alpn: c.alpn,
    established: c.established,
    resumed: c.resumed,
    decrypted: c.decrypted,
    verdict: c.verdict,
    verdictInferred: c.verdictInferred,
    history: c.history,
    handshakeCaptured: c.handshakeCaptured,
    orientation: c.orientation,
    startTls: c.startTls,
    clientCertificate: clientCertificateJson(c.clientCertificate, opt.details, refs),
    serverCertificates: refs(c.serverCertificates),
    diagnoses: c.diagnoses.map(diagnosisJson),
    events: eventsJson(c.events, opt.details, refs),
    tcp: c.tcp,
    applicationData: c.applicationData,
    quic: c.quic,
    warnings: c.warnings,
    fingerprints: opt.details ? c.fingerprints : undefined,
  };
  // members added to the model later reach the JSON unchanged
  for (const k in c) if (!HANDLED.has(k)) o[k] = (c as unknown as Record<string, unknown>)[k];
  return o;
}

function diagnosisJson(d: DiagnosisModel): Record<string, unknown> {
  return { code: d.code, severity: d.severity, summary: d.summary, evidence: d.evidence, evidenceFrames: d.evidenceFrames, inferred: d.inferred };
}

function clientCertificateJson(cc: ClientCertificateModel, details: boolean, refs: (c: CertificateModel[] | undefined) => string[] | undefined): Record<string, unknown> {
  // every member as in the model (in its order), the chain as SHA-256 references; the sentence
  // (the answer in words, from the members) and the CertificateVerify check's reason (generic words)
  // with --details
  const { sentence, ...rest } = cc;
  const o: Record<string, unknown> = details ? { ...rest, sentence } : rest;
  if (cc.chain !== undefined) o.chain = refs(cc.chain);
  if (!details && cc.certificateVerify?.reason !== undefined) {
    const { reason: _reason, ...cv } = cc.certificateVerify;
    o.certificateVerify = cv;
  }
  return o;
}

function eventsJson(events: EventModel[], details: boolean, refs: (c: CertificateModel[] | undefined) => string[] | undefined): unknown[] {
  const out = new Array<unknown>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const j: Record<string, unknown> = {
      frame: e.frame,
      frames: e.frames,
      direction: e.direction,
      kind: e.kind,
      type: e.type,
      visibility: e.visibility,
      length: e.length,
      recordIndex: e.recordIndex,
      streamOffset: e.streamOffset,
      level: e.level,
      description: e.description,
      code: e.code,
      certificates: refs(e.certificates),
      certificatesNotKept: e.certificatesNotKept,
      malformed: e.malformed,
    };
    if (details) {
      j.time = e.time;
      j.relTime = e.relTime;
      j.reason = e.reason;
      j.certificateAuthorities = e.certificateAuthorities;
      j.application = e.application;
      j.details = e.details;
    }
    out[i] = j;
  }
  return out;
}
