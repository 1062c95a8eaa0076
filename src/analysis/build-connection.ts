/**
 * From a finished (or in-progress) TCP connection and its TLS facts to the ConnectionModel of the
 * report contract: orientation (who is the client), events in wire order with directions and times,
 * certificates, the client-certificate block, history letters, verdict. Diagnosis rules live in
 * ./diagnose.ts.
 */
import type { Side, TcpConnection } from '../tcp/types.js';
import type { TlsEvent, TlsFacts } from '../tls/events.js';
import type {
  CertificateModel,
  ClientCertificateModel,
  ConnectionModel,
  Direction,
  EventModel,
  TcpFacts,
} from './model.js';
import { certificateModel, dnString, type CertContext } from './certificates.js';
import { alertDescriptionName, alertLevelName, cipherSuiteDisplayName, versionDisplayName } from './names.js';
import { historyLetters } from './history.js';
import { describeClientCertificate } from './client-cert.js';
import { diagnose } from './diagnose.js';
import { isoTime, relSeconds } from './time.js';
import { inferTls13, type Tls13Inference } from './infer-tls13.js';
import { setEventBytes, type EventBytes } from './event-bytes.js';
import { fingerprints } from './fingerprints.js';

export interface BuildContext extends CertContext {
  /** Include the raw bytes kept by the tls stage (TUI). */
  keepBytes?: boolean;
}

function directionOf(side: Side, clientSide: Side): Direction {
  return side === clientSide ? 'client->server' : 'server->client';
}

function tcpFacts(conn: TcpConnection, cs: Side): TcpFacts {
  const c = conn.stats[cs];
  const s = conn.stats[cs === 0 ? 1 : 0];
  const ss: Side = cs === 0 ? 1 : 0;
  const f: TcpFacts = {
    packets: { clientToServer: c.packets, serverToClient: s.packets },
    bytes: { clientToServer: c.bytes, serverToClient: s.bytes },
    retransmissions: { clientToServer: c.retransmissions, serverToClient: s.retransmissions },
    gaps: { clientToServer: c.gaps, serverToClient: s.gaps },
    gapBytes: { clientToServer: c.gapBytes, serverToClient: s.gapBytes },
    synSeen: conn.synSeen,
  };
  if (conn.closeReason) f.closedBy = conn.closeReason;
  const fin = [conn.finFrame[cs], conn.finFrame[ss]];
  const rst = [conn.rstFrame[cs], conn.rstFrame[ss]];
  if (fin[0] || fin[1]) f.finFrames = fin;
  if (rst[0] || rst[1]) f.rstFrames = rst;
  return f;
}

export function eventModel(ev: TlsEvent, clientSide: Side, conn: TcpConnection, ctx: BuildContext): EventModel {
  const m: EventModel = {
    frame: ev.frame,
    time: isoTime(ev.tsSec, ev.tsNsec),
    relTime: relSeconds(ev.tsSec, ev.tsNsec, conn.firstTsSec, conn.firstTsNsec),
    direction: directionOf(ev.side, clientSide),
    kind: ev.kind,
    visibility: ev.visibility,
  };
  if (ev.frames.length > 1) m.frames = ev.frames.slice();
  if (ev.type !== undefined) m.type = ev.type;
  if (ev.length !== undefined) m.length = ev.length;
  m.streamOffset = ev.streamOffset;
  m.recordIndex = ev.recordIndex;
  if (ev.kind === 'alert' && ev.alertCode !== undefined) {
    m.level = alertLevelName(ev.alertLevel ?? 0);
    m.code = ev.alertCode;
    m.description = alertDescriptionName(ev.alertCode);
  }
  if (ev.certificates) m.certificates = ev.certificates.map((d) => certificateModel(d, ctx));
  if (ev.certificateAuthorities) m.certificateAuthorities = ev.certificateAuthorities.map((d) => dnString(d));
  if (ev.details) m.details = ev.details;
  if (ev.app) m.application = { ...ev.app };
  if (ev.reason) m.reason = ev.reason;
  if (ev.malformed) m.malformed = true;
  const notKept = ev.details?.['certificatesNotKept'];
  if (typeof notKept === 'number' && notKept > 0) m.certificatesNotKept = notKept;
  if (ctx.keepBytes && ev.raw) {
    const b: EventBytes = { raw: ev.raw };
    if (ev.record) {
      b.record = ev.record;
      b.rawOffset = ev.rawOffset ?? 0;
    }
    setEventBytes(m, b);
  }
  return m;
}

export function buildConnection(conn: TcpConnection, facts: TlsFacts | null, ctx: BuildContext): ConnectionModel {
  const cs: Side = facts?.clientSide ?? 0;
  const ss: Side = cs === 0 ? 1 : 0;
  const events = facts ? facts.events.map((e) => eventModel(e, cs, conn, ctx)) : [];
  const alerts = events.filter((e) => e.kind === 'alert');
  const model: ConnectionModel = {
    id: conn.id,
    client: { ...conn.endpoints[cs] },
    server: { ...conn.endpoints[ss] },
    firstFrame: conn.firstFrame,
    lastFrame: conn.lastFrame,
    startTime: isoTime(conn.firstTsSec, conn.firstTsNsec),
    endTime: isoTime(conn.lastTsSec, conn.lastTsNsec),
    isTls: facts?.isTls ?? false,
    events,
    clientCertificate: { requested: false, status: 'not-requested' },
    alerts,
    diagnoses: [],
    tcp: tcpFacts(conn, cs),
    verdict: 'not-tls',
    warnings: [...conn.warnings, ...(facts?.warnings ?? [])],
  };
  if (conn.closeReason === 'evicted') {
    model.warnings.push('evicted: more TCP connections were open at once than --max-connections allows; this connection was reported early and its later packets start a new one');
  }
  if (conn.warningsDropped > 0 || (facts && facts.warningsDropped > 0)) {
    model.warnings.push(`${conn.warningsDropped + (facts?.warningsDropped ?? 0)} more warnings not shown`);
  }
  if (!facts || !facts.isTls) return model;

  if (facts.version) model.version = versionDisplayName(facts.version);
  if (facts.cipherSuite >= 0) model.cipherSuite = cipherSuiteDisplayName(facts.cipherSuite);
  if (facts.serverName !== undefined) model.serverName = facts.serverName;
  if (facts.alpn !== undefined) model.alpn = facts.alpn;
  model.decrypted = facts.decrypted;
  model.resumed = facts.resumed || abbreviatedTls12(events, facts);
  model.history = historyLetters(facts.events, cs);
  const fp = fingerprints(facts.clientHello, facts.serverHello);
  if (fp) model.fingerprints = fp;
  model.applicationData = {
    clientToServer: { ...facts.appData[cs] },
    serverToClient: { ...facts.appData[ss] },
  };
  if (facts.startTlsOffset) {
    model.startTls = { clientToServer: facts.startTlsOffset[cs], serverToClient: facts.startTlsOffset[ss] };
  }
  if (facts.eventsDropped > 0) model.warnings.push(`${facts.eventsDropped} TLS events beyond the per-connection limit were not kept`);
  decodeWarnings(facts.events, model.warnings);
  const serverCert = events.find((e) => e.type === 'Certificate' && e.direction === 'server->client' && e.certificates);
  if (serverCert?.certificates) model.serverCertificates = serverCert.certificates;
  const inference: Tls13Inference | undefined =
    facts.version === 0x0304 && !facts.decrypted ? inferTls13(events, model.cipherSuite) : undefined;
  model.established = isEstablished(events, facts, inference);
  model.clientCertificate = describeClientCertificate(events, facts, model, inference);
  model.diagnoses = diagnose(model, facts, ctx, inference);
  model.verdict = verdictOf(model);
  return model;
}

/** TLS 1.2 session-ticket resumption: the server's CCS follows its ServerHello with no Certificate /
 * ServerHelloDone in between (RFC 5077 §3.1). */
function abbreviatedTls12(events: EventModel[], facts: TlsFacts): boolean {
  if (facts.version === 0 || facts.version >= 0x0304) return false;
  let sawHello = false;
  for (const e of events) {
    if (e.direction !== 'server->client') continue;
    if (e.type === 'ServerHello') sawHello = true;
    else if (sawHello && (e.type === 'Certificate' || e.type === 'ServerHelloDone' || e.type === 'ServerKeyExchange')) return false;
    else if (sawHello && e.kind === 'change_cipher_spec') return true;
  }
  return false;
}

function isEstablished(events: EventModel[], facts: TlsFacts, inf?: Tls13Inference): boolean | undefined {
  if (inf) {
    // TLS 1.3 without keys: from the inference (the Finished messages are encrypted)
    if (inf.alertEvent || events.some((e) => e.kind === 'alert' && e.level === 'fatal')) return false;
    return inf.continued ? true : undefined;
  }
  let c = false;
  let s = false;
  for (const e of events) {
    if (e.type !== 'Finished') continue;
    if (e.direction === 'client->server') c = true;
    else s = true;
  }
  if (c && s) return !events.some((e) => e.kind === 'alert' && e.level === 'fatal');
  // TLS 1.3 without keys / SSL 2.0: the Finished messages are encrypted; unknown
  if ((facts.version === 0x0304 && !facts.decrypted) || facts.version === 0x0002) return undefined;
  return false;
}

/** Decode problems of single messages (an overrunning list, trailing bytes ...) reach the model,
 * each with its message and frame: at most MAX_DECODE_WARNINGS per connection, the rest counted. */
const MAX_DECODE_WARNINGS = 32;
function decodeWarnings(events: readonly TlsEvent[], into: string[]): void {
  let n = 0;
  let dropped = 0;
  for (const e of events) {
    for (const w of e.warnings ?? []) {
      if (n++ < MAX_DECODE_WARNINGS) into.push(`${e.type ?? e.kind} in frame ${e.frame}: ${w}`);
      else dropped++;
    }
  }
  if (dropped > 0) into.push(`${dropped} more message decode warnings not shown`);
}

export function verdictOf(m: ConnectionModel): ConnectionModel['verdict'] {
  if (!m.isTls) return 'not-tls';
  const errors = m.diagnoses.filter((d) => d.severity === 'error');
  // bytes lost in the capture: an error that rests only on inference (sizes, timing, a missing
  // message) may be the loss itself, so no rejection is claimed without a fact or a fatal alert
  const lost = m.tcp.gaps.clientToServer + m.tcp.gaps.serverToClient > 0;
  if (lost && errors.length > 0 && errors.every((d) => d.inferred === true) && !m.alerts.some((a) => a.level === 'fatal')) return 'incomplete';
  if (errors.length > 0) return 'failed';
  if (m.alerts.some((a) => a.level === 'fatal')) return 'failed';
  if (m.diagnoses.some((d) => d.severity === 'warning')) return 'warning';
  if (m.established === false) return 'incomplete';
  if (m.clientCertificate.status === 'sent') return 'mtls-ok';
  return 'ok';
}

export type { CertificateModel, ClientCertificateModel };
