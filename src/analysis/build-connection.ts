/**
 * From a finished (or in-progress) TCP connection and its TLS facts to the ConnectionModel of the
 * report contract: orientation (who is the client), events in wire order with directions and times,
 * certificates, the client-certificate block, history letters, verdict. Diagnosis rules live in
 * ./diagnose.ts.
 */
import type { Side, TcpConnection } from '../tcp/types.js';
import { directionOf, type TlsEvent, type TlsFacts } from '../tls/events.js';
import type {
  CertificateModel,
  ClientCertificateModel,
  ConnectionModel,
  EventModel,
  TcpFacts,
  WarningModel,
} from './model.js';
import type { StageWarning, WarningCode } from '../warning-codes.js';
import { decodeWarningCode, decodeWarningText } from '../tls/messages/reader.js';
import { certificateModel, dnString, type CertContext } from './certificates.js';
import { alertDescriptionName, alertLevelName, cipherSuiteDisplayName, versionDisplayName } from './names.js';
import { historyLetters } from './history.js';
import { describeClientCertificate } from './client-cert.js';
import { diagnose, diagnosisFacts } from './diagnose.js';
import { isoTime, relSeconds } from './time.js';
import { inferTls13, type Tls13Inference } from './infer-tls13.js';
import { setEventBytes, type EventBytes } from './event-bytes.js';
import { fingerprints } from './fingerprints.js';
import { ProtocolVersion } from '../tls/registry/versions.js';
import { orient, type ListenerSet } from './orientation.js';
import { quicModel } from './quic-model.js';
import { inferQuic } from './infer-quic.js';

export interface BuildContext extends CertContext {
  /** Include the raw bytes kept by the tls stage (TUI). */
  keepBytes?: boolean;
  /** Servers seen accepting connections so far (orients connections captured mid-stream). */
  listeners?: ListenerSet;
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
  const notKept = ev.certificatesNotKept ?? ev.details?.['certificatesNotKept'];
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
  const orientation = orient(conn, facts, ctx.listeners);
  const cs: Side = orientation.clientSide;
  const ss: Side = cs === 0 ? 1 : 0;
  const events = facts ? facts.events.map((e) => eventModel(e, cs, conn, ctx)) : [];
  const alerts = events.filter((e) => e.kind === 'alert');
  const model: ConnectionModel = {
    id: conn.id,
    transport: facts?.quic ? 'quic' : 'tcp',
    ...(facts?.quic ? { udpStream: facts.quic.udpStream } : {}),
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
    warnings: [...conn.warnings.map((w) => warningModel(w, cs, w.message)), ...tlsWarnings(facts, cs)],
  };
  if (conn.closeReason === 'memory') {
    model.warnings.push(connectionWarning('connection-evicted-memory', 'evicted: the global memory budget (--max-buffer-mb) was full and this was the least recently active connection; it was reported early and its later packets start a new one'));
  }
  const basis = orientation.model.basis;
  if (basis !== 'syn' && basis !== 'client-hello') model.orientation = orientation.model;
  if (ctx.listeners && !orientation.model.inferred && (conn.synSeen || conn.synAckSeen || facts?.clientSideBy)) ctx.listeners.add(model.server);
  if (conn.closeReason === 'evicted') {
    model.warnings.push(connectionWarning('connection-evicted-limit', 'evicted: more TCP connections were open at once than --max-connections allows; this connection was reported early and its later packets start a new one'));
  }
  if (conn.warningsDropped > 0 || (facts && facts.warningsDropped > 0)) {
    model.warnings.push(connectionWarning('warnings-dropped', `${conn.warningsDropped + (facts?.warningsDropped ?? 0)} more warnings not shown`));
  }
  if (facts?.quic) model.quic = quicModel(facts.quic, cs, facts.alpn);
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
  if (facts.clientSideBy === undefined) model.handshakeCaptured = false;
  model.applicationData = {
    clientToServer: { ...facts.appData[cs] },
    serverToClient: { ...facts.appData[ss] },
  };
  if (facts.startTlsOffset) {
    model.startTls = { clientToServer: facts.startTlsOffset[cs], serverToClient: facts.startTlsOffset[ss] };
  }
  if (facts.eventsDropped > 0) model.warnings.push(connectionWarning('tls-events-dropped', `${facts.eventsDropped} TLS events beyond the per-connection limit were not kept`));
  decodeWarnings(facts.events, cs, model.warnings);
  const serverCert = events.find((e) => e.type === 'Certificate' && e.direction === 'server->client' && e.certificates);
  if (serverCert?.certificates) model.serverCertificates = serverCert.certificates;
  const hidden = facts.version === ProtocolVersion.TLS13 && !facts.decrypted;
  const inference: Tls13Inference | undefined = !hidden
    ? undefined
    : facts.quic
      ? inferQuic(events, model.cipherSuite, facts.quic.packets['1-RTT']?.[ss] ?? 0)
      : inferTls13(events, model.cipherSuite, clientCloseFrame(conn, cs));
  // the capture started after the Hellos: whether the handshake succeeded is not in it
  model.established = model.handshakeCaptured === false ? undefined : isEstablished(events, facts, inference);
  model.clientCertificate = describeClientCertificate(events, facts, model, cs, inference);
  model.diagnoses = diagnose(model, ctx, diagnosisFacts(facts), inference);
  model.verdict = verdictOf(model);
  if (verdictIsInferred(model)) model.verdictInferred = true;
  return model;
}

/** Frame of the client's first FIN or RST, 0 when it sent neither. */
function clientCloseFrame(conn: TcpConnection, cs: Side): number {
  const fin = conn.finFrame[cs];
  const rst = conn.rstFrame[cs];
  return fin && rst ? Math.min(fin, rst) : fin || rst;
}

/** A stage's warning in the model: its side becomes the direction by the connection's client. */
function warningModel(w: StageWarning, cs: Side, message: string): WarningModel {
  const m: WarningModel = { code: w.code, message };
  if (w.frame !== undefined) m.frame = w.frame;
  if (w.offset !== undefined) m.offset = w.offset;
  if (w.side !== undefined) m.direction = directionOf(w.side, cs);
  return m;
}

function connectionWarning(code: WarningCode, message: string): WarningModel {
  return { code, message };
}

/** The tls stage's warnings name directions by its own client side: when the orientation was
 * decided here instead (no Hello captured), swap their 'client->server' / 'server->client' prefixes. */
function tlsWarnings(facts: TlsFacts | null, cs: Side): WarningModel[] {
  if (!facts) return [];
  if (facts.clientSide === cs) return facts.warnings.map((w) => warningModel(w, cs, w.message));
  return facts.warnings.map((w) => {
    const t = w.message;
    const message = t.startsWith('client->server: ') ? `server->client: ${t.slice(16)}` : t.startsWith('server->client: ') ? `client->server: ${t.slice(16)}` : t;
    return warningModel(w, cs, message);
  });
}

/** TLS 1.2 session-ticket resumption: the server's CCS follows its ServerHello with no Certificate /
 * ServerHelloDone in between (RFC 5077 §3.1). */
function abbreviatedTls12(events: EventModel[], facts: TlsFacts): boolean {
  if (facts.version === 0 || facts.version >= ProtocolVersion.TLS13) return false;
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
  if ((facts.version === ProtocolVersion.TLS13 && !facts.decrypted) || facts.version === ProtocolVersion.SSL2) return undefined;
  return false;
}

/** Decode problems of single messages (an overrunning list, trailing bytes ...) reach the model,
 * each with its message and frame: at most MAX_DECODE_WARNINGS per connection, the rest counted. */
const MAX_DECODE_WARNINGS = 32;
function decodeWarnings(events: readonly TlsEvent[], cs: Side, into: WarningModel[]): void {
  let n = 0;
  let dropped = 0;
  for (const e of events) {
    for (const w of e.warnings ?? []) {
      if (n++ < MAX_DECODE_WARNINGS) {
        into.push({ code: decodeWarningCode(w), message: `${e.type ?? e.kind} in frame ${e.frame}: ${decodeWarningText(w)}`, frame: e.frame, offset: e.streamOffset, direction: directionOf(e.side, cs) });
      } else dropped++;
    }
  }
  if (dropped > 0) into.push(connectionWarning('warnings-dropped', `${dropped} more message decode warnings not shown`));
}

/** Warnings about a handshake that worked (the mTLS verdict stands, the warning is shown beside it). */
const VERDICT_NEUTRAL_WARNINGS = new Set(['client-cert-not-enforced']);

export function verdictOf(m: ConnectionModel): ConnectionModel['verdict'] {
  if (!m.isTls) return 'not-tls';
  const errors = m.diagnoses.filter((d) => d.severity === 'error');
  // bytes lost in the capture: an error that rests only on inference (sizes, timing, a missing
  // message) may be the loss itself, so no rejection is claimed without a fact or a fatal alert
  const lost = m.tcp.gaps.clientToServer + m.tcp.gaps.serverToClient > 0;
  if (lost && errors.length > 0 && errors.every((d) => d.inferred === true) && !m.alerts.some((a) => a.level === 'fatal')) return 'incomplete';
  if (errors.length > 0) return 'failed';
  if (m.alerts.some((a) => a.level === 'fatal')) return 'failed';
  if (m.diagnoses.some((d) => d.severity === 'warning' && !VERDICT_NEUTRAL_WARNINGS.has(d.code))) return 'warning';
  if (m.established === false) return 'incomplete';
  if (m.clientCertificate.status === 'sent') return 'mtls-ok';
  return 'ok';
}

/** Whether the verdict rests only on inferred evidence: an inferred client certificate for
 * mtls-ok / ok, or only inferred diagnoses (and no readable fatal alert) for failed / warning. */
export function verdictIsInferred(m: ConnectionModel): boolean {
  switch (m.verdict) {
    case 'mtls-ok':
    case 'ok':
      return m.clientCertificate.visibility === 'inferred';
    case 'failed': {
      if (m.alerts.some((a) => a.level === 'fatal')) return false;
      const errors = m.diagnoses.filter((d) => d.severity === 'error');
      return errors.length > 0 && errors.every((d) => d.inferred === true);
    }
    case 'warning': {
      const warnings = m.diagnoses.filter((d) => d.severity === 'warning');
      return warnings.length > 0 && warnings.every((d) => d.inferred === true);
    }
    default:
      return false;
  }
}

export type { CertificateModel, ClientCertificateModel };
