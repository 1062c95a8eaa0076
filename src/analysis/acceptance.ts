/**
 * Accepted or rejected: what a peer did after the other side's last handshake flight, decided from
 * the evidence on the wire rather than from the alert alone (many stacks reject without one — see
 * FIELD-NOTES). One rule for every stack:
 *
 * THE SERVER, after the client's flight (its Finished; the client's Certificate when the Finished
 * cannot be identified) — call that point R:
 *  1. a fatal (or non-closure) alert from the server after R            -> rejected-alert
 *  2. application data from the server (decrypted, or counted records of type 23 — TLS 1.2, or
 *     TLS 1.3 with keys)                                                 -> accepted (it served the client)
 *  3. TLS 1.3 without keys: encrypted server records after R that are not alert-sized (a
 *     NewSessionTicket is encrypted and looks like application data: tickets or data, both mean
 *     the handshake went on)                                             -> accepted, inferred
 *     — unless the server then closed first without a record answering anything the client sent
 *     after R (they may be tickets only)                                 -> unknown
 *  4. the server closed first (its close_notify, FIN or RST comes before any close by the client),
 *     sent nothing after R (no NewSessionTicket, no Finished in TLS 1.2, no data), and its close
 *     came within REJECT_WINDOW_S of the client's last record           -> rejected-silently
 *     (Node.js requestCert + rejectUnauthorized rejects exactly like this); a later close could be
 *     an idle timeout                                                    -> unknown
 *  5. the server went on (NewSessionTicket, its Finished in TLS 1.2) and then either the client
 *     closed first, or nobody closed before the capture ended           -> accepted
 *     (OpenSSL s_server -Verify 1 without -verify_return_error: tickets, data, and a close only
 *     after the client's close_notify); the server closed first after tickets but without any data
 *                                                                        -> unknown
 *  6. anything else (no R, the client closed first while the server had sent nothing)
 *                                                                        -> unknown
 * "Accepted" is at the TLS level: an application may still refuse the request inside TLS (nginx
 * answers HTTP 400); only decrypted data shows that.
 *
 * THE CLIENT, after the server's flight (clientAbort): the client closed first with FIN or RST,
 * sent no alert and no application data, within REJECT_WINDOW_S of the server's last record, and
 * either sent nothing at all after the server's flight (TLS 1.3: no Finished — it abandoned the
 * handshake) or completed the handshake and closed right after the server's Finished (TLS 1.2):
 * the client most likely rejected the server's certificate (Node.js clients with
 * rejectUnauthorized do this; other stacks send an alert). Always inferred.
 */
import { httpRejection } from './app-layer.js';
import { AlertDescription as AD } from '../tls/registry/index.js';
import type { ConnectionModel, EventModel } from './model.js';
import type { Tls13Inference } from './infer-tls13.js';

/** A silent rejection comes right after the peer's flight; later closes may be idle timeouts. */
export const REJECT_WINDOW_S = 2;

export type AcceptanceVerdict = 'accepted' | 'rejected-silently' | 'rejected-alert' | 'unknown';

export interface Acceptance {
  verdict: AcceptanceVerdict;
  /** The server sent application data (records counted or decrypted). */
  served: boolean;
  /** That data was decrypted: its content is known (an HTTP 400 would be visible). */
  servedDecrypted: boolean;
  /** The server went on after the client's flight: tickets, its Finished, data. */
  continued: boolean;
  firstCloser?: 'client' | 'server';
  /** The server's first close: frame and how. */
  serverClose?: { frame: number; how: string };
  /** Upper bound (seconds) from the client's last record before the server's close to that close. */
  closeDelay?: number;
  /** The verdict rests on encrypted record sizes. */
  inferred: boolean;
  /** The evidence, in words (for explanations). */
  evidence: string[];
  frames: number[];
}

export interface ClientAbort {
  /** The client's FIN/RST. */
  frame: number;
  how: 'FIN' | 'RST';
  /** The server's last record before it. */
  afterFrame: number;
  /** The client never sent its Finished (TLS 1.3: it abandoned the handshake). */
  abandonedHandshake: boolean;
  closeDelay: number;
  evidence: string;
}

type Who = 'client' | 'server';
const C2S = 'client->server';

function side(e: EventModel): Who {
  return e.direction === C2S ? 'client' : 'server';
}

function isClosureAlert(e: EventModel): boolean {
  return e.code === AD.close_notify || e.code === AD.user_canceled;
}

/** A closing alert (close_notify / user_canceled) or an encrypted alert record after the key change. */
function closeMark(e: EventModel): boolean {
  return (e.kind === 'alert' && e.code !== undefined && isClosureAlert(e)) || (e.kind === 'encrypted' && e.type === 'Alert' && e.visibility !== 'inferred');
}

interface Close {
  frame: number;
  how: string;
}

/** The first close by one side: closing alert, FIN or RST, whichever came first. */
function firstClose(m: ConnectionModel, who: Who, from: number): Close | undefined {
  const i = who === 'client' ? 0 : 1;
  const cands: Close[] = [];
  const fin = m.tcp.finFrames?.[i] ?? 0;
  const rst = m.tcp.rstFrames?.[i] ?? 0;
  if (fin > 0) cands.push({ frame: fin, how: `FIN in frame ${fin}` });
  if (rst > 0) cands.push({ frame: rst, how: `RST in frame ${rst}` });
  for (let k = from; k < m.events.length; k++) {
    const e = m.events[k];
    if (side(e) === who && closeMark(e)) {
      cands.push({ frame: e.frame, how: `${e.kind === 'alert' ? e.description : 'an encrypted alert'} in frame ${e.frame}` });
      break;
    }
  }
  cands.sort((a, b) => a.frame - b.frame);
  return cands[0];
}

function ms(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? NaN : t;
}

/** Upper bound on the time of `frame`: the first event after it, else the connection's end. */
function timeAtOrBefore(m: ConnectionModel, frame: number): number {
  const next = m.events.find((e) => e.frame > frame);
  return ms(next?.time ?? m.endTime);
}

/** Seconds from the last record of `who` before `frame` to `frame` (an upper bound). */
function delayTo(m: ConnectionModel, who: Who, frame: number): number {
  let last: EventModel | undefined;
  for (const e of m.events) {
    if (e.frame >= frame) break;
    if (side(e) === who) last = e;
  }
  const d = (timeAtOrBefore(m, frame) - ms(last?.time)) / 1000;
  return Number.isNaN(d) ? Infinity : Math.max(0, d);
}

function clientFlightEnd(ev: EventModel[], inf?: Tls13Inference): number {
  for (let i = ev.length - 1; i >= 0; i--) if (ev[i].type === 'Finished' && ev[i].direction === C2S) return i;
  const cert = inf?.certEvent ?? ev.find((e) => e.type === 'Certificate' && e.direction === C2S);
  return cert ? ev.indexOf(cert) : -1;
}

/** Did the server accept the client's flight? See the rule at the top of this file. */
export function serverAcceptance(m: ConnectionModel, inf?: Tls13Inference): Acceptance {
  const ev = m.events;
  const res: Acceptance = { verdict: 'unknown', served: false, servedDecrypted: false, continued: false, inferred: false, evidence: [], frames: [] };
  const r = clientFlightEnd(ev, inf);
  if (r < 0) {
    res.evidence.push("the client's flight (its Finished or Certificate) is not visible");
    return res;
  }
  const ref = ev[r];
  res.frames.push(ref.frame);
  const after = ev.slice(r + 1).filter((e) => side(e) === 'server');
  const fatal = after.find((e) => e.kind === 'alert' && e.code !== undefined && (e.level === 'fatal' || (e.level !== 'warning' && !isClosureAlert(e))));
  if (fatal || inf?.alertEvent) {
    const a = fatal ?? inf!.alertEvent!;
    res.verdict = 'rejected-alert';
    res.inferred = !fatal;
    res.frames.push(a.frame);
    res.evidence.push(`the server answered the client's flight with ${fatal ? `alert ${a.description}` : 'an alert-sized encrypted record'} in frame ${a.frame}`);
    return res;
  }
  const tickets = after.filter((e) => e.type === 'NewSessionTicket' && e.visibility !== 'inferred');
  const finished = after.find((e) => e.type === 'Finished');
  const appRecords = m.applicationData?.serverToClient.records ?? 0;
  const encryptedOn = inf?.continued === true;
  res.served = appRecords > 0;
  res.servedDecrypted = res.served && m.decrypted === true;
  res.continued = res.served || tickets.length > 0 || finished !== undefined || encryptedOn;
  if (tickets.length > 0) res.evidence.push(`the server sent ${tickets.length} NewSessionTicket${tickets.length > 1 ? 's' : ''} (frame ${tickets.map((t) => t.frame).join(', ')})`);
  if (finished) res.evidence.push(`the server sent its Finished (frame ${finished.frame})`);
  if (res.served) res.evidence.push(`the server sent ${appRecords} application-data record${appRecords > 1 ? 's' : ''}${res.servedDecrypted ? ' (decrypted)' : ''}`);
  if (encryptedOn && !res.served) res.evidence.push("the server went on with encrypted records after the client's Finished (tickets or data; sizes only)");
  res.frames.push(...tickets.map((t) => t.frame), ...(finished ? [finished.frame] : []));

  const cClose = firstClose(m, 'client', r + 1);
  const sClose = firstClose(m, 'server', r + 1);
  if (sClose && (!cClose || sClose.frame < cClose.frame)) res.firstCloser = 'server';
  else if (cClose) res.firstCloser = 'client';
  if (sClose) {
    res.serverClose = sClose;
    res.frames.push(sClose.frame);
    res.closeDelay = delayTo(m, 'client', sClose.frame);
  }
  if (res.firstCloser) {
    const c = res.firstCloser === 'server' ? sClose! : cClose!;
    res.evidence.push(`the ${res.firstCloser} closed first (${c.how})`);
  }

  const http = res.servedDecrypted ? httpRejection(m) : null;
  if (http) {
    // nginx (ssl_verify_client on) answers a failed verification inside TLS: data, but a refusal
    res.evidence.push(`but its first HTTP response, ${http.status} in frame ${http.resp.frame}, refuses the request (./app-layer.ts)`);
    res.frames.push(http.resp.frame);
  } else if (res.served) {
    res.verdict = 'accepted';
  } else if (encryptedOn) {
    res.inferred = true;
    if (res.firstCloser === 'server' && !answered(ev, r)) {
      res.evidence.push("but those records may be only NewSessionTickets (encrypted, they look like data), and the server closed first without answering anything the client sent");
    } else {
      res.verdict = 'accepted';
    }
  } else if (res.firstCloser === 'server' && !res.continued) {
    const d = res.closeDelay ?? Infinity;
    if (d <= REJECT_WINDOW_S) {
      res.verdict = 'rejected-silently';
      res.evidence.push(`the server sent nothing after the client's flight and closed within ${fmt(d)} s of the client's last record`);
    } else {
      res.evidence.push(`the server sent nothing after the client's flight and closed ${Number.isFinite(d) ? `up to ${fmt(d)} s` : 'an unknown time'} later: a rejection or an idle timeout`);
    }
    res.inferred = m.version === 'TLS 1.3' && m.decrypted !== true;
  } else if (res.continued && res.firstCloser !== 'server') {
    res.verdict = 'accepted';
    if (!res.firstCloser) res.evidence.push('nobody closed the connection before the capture ended');
  } else if (res.continued) {
    res.evidence.push('but the server then closed first without sending any data');
  } else {
    res.evidence.push("the server sent nothing after the client's flight");
  }
  res.frames = [...new Set(res.frames)].sort((a, b) => a - b);
  return res;
}

/** Alert records are at most 2 + 1 + 16 bytes when protected (RFC 8446 §5.2, no padding). */
const MAX_ALERT_RECORD = 24;

/** TLS 1.3 without keys: a server record (larger than an alert) after a client record that followed the client's flight. */
function answered(ev: EventModel[], r: number): boolean {
  let clientSpoke = false;
  for (let i = r + 1; i < ev.length; i++) {
    const e = ev[i];
    if (side(e) === 'client') clientSpoke = true;
    else if (clientSpoke && e.kind === 'encrypted' && (e.length ?? 0) > MAX_ALERT_RECORD) return true;
  }
  return false;
}

/** Did the client abort right after the server's flight (most likely rejecting its certificate)? */
export function clientAbort(m: ConnectionModel): ClientAbort | null {
  if (m.resumed) return null;
  const ev = m.events;
  if (ev.some((e) => side(e) === 'client' && (e.kind === 'alert' || (e.kind === 'encrypted' && e.type === 'Alert')))) return null;
  if ((m.applicationData?.clientToServer.records ?? 0) > 0) return null;
  const fin = m.tcp.finFrames?.[0] ?? 0;
  const rst = m.tcp.rstFrames?.[0] ?? 0;
  const close = [fin, rst].filter((f) => f > 0).sort((a, b) => a - b)[0];
  if (!close) return null;
  const sFin = m.tcp.finFrames?.[1] ?? 0;
  const sRst = m.tcp.rstFrames?.[1] ?? 0;
  const serverClose = [sFin, sRst].filter((f) => f > 0).sort((a, b) => a - b)[0];
  if (serverClose && serverClose < close) return null;
  const before = ev.filter((e) => e.frame <= close);
  // any alert from the server (plaintext, decrypted, or an alert-sized encrypted record) explains the close
  if (before.some((e) => side(e) === 'server' && (e.kind === 'alert' || e.type === 'Alert'))) return null;
  const lastServer = [...before].reverse().find((e) => side(e) === 'server');
  if (!lastServer) return null;
  const tls13 = m.version === 'TLS 1.3';
  const serverHelloAt = before.findIndex((e) => side(e) === 'server' && e.type === 'ServerHello');
  if (serverHelloAt < 0) return null;
  const serverFlight = before.slice(serverHelloAt).filter((e) => side(e) === 'server');
  // the server's certificate went out: visible (TLS 1.2, decrypted) or inside its encrypted flight
  const certShown = serverFlight.some((e) => e.type === 'Certificate');
  const encryptedFlight = tls13 && serverFlight.some((e) => e.kind === 'encrypted' || e.visibility === 'decrypted');
  if (!certShown && !encryptedFlight) return null;
  const lastServerAt = before.indexOf(lastServer);
  const clientAfter = before.slice(lastServerAt + 1).filter((e) => side(e) === 'client' && e.kind !== 'change_cipher_spec');
  if (clientAfter.length > 0) return null;
  const clientFinished = before.some((e) => side(e) === 'client' && e.type === 'Finished');
  const serverFinished = lastServer.type === 'Finished' || (tls13 && !m.decrypted);
  let abandoned: boolean;
  if (tls13) {
    // TLS 1.3: nothing from the client after the server's flight began (no Certificate, no Finished)
    const flightStart = before.findIndex((e, i) => i > serverHelloAt && side(e) === 'server' && e.kind !== 'change_cipher_spec');
    if (flightStart < 0 || before.slice(flightStart).some((e) => side(e) === 'client' && e.kind !== 'change_cipher_spec')) return null;
    abandoned = true;
  } else {
    if (!clientFinished || !serverFinished) return null;
    abandoned = false;
  }
  const delay = delayTo(m, 'server', close);
  if (delay > REJECT_WINDOW_S) return null;
  const how = close === fin ? 'FIN' : 'RST';
  const evidence = abandoned
    ? `after the server's flight (its certificate, last record in frame ${lastServer.frame}) the client sent no Finished, no alert and no data, and closed the TCP connection (${how} in frame ${close}, within ${fmt(delay)} s)`
    : `the client completed the handshake, then — right after the server's Finished in frame ${lastServer.frame} — closed the TCP connection (${how} in frame ${close}, within ${fmt(delay)} s) without an alert, a close_notify or any application data`;
  return { frame: close, how, afterFrame: lastServer.frame, abandonedHandshake: abandoned, closeDelay: delay, evidence };
}

function fmt(s: number): string {
  return s < 0.001 ? '0.001' : s.toFixed(3);
}
