/**
 * The handshake ladder as plain lines (client | server columns, one arrow per event in wire order),
 * shared by the text report, Markdown and the TUI. Visibility has its own arrow shaft:
 *   ----  plaintext (read off the wire)
 *   ====  decrypted with key-log secrets
 *   ~~~~  inferred from encrypted record sizes/order (never a fact)
 *   ....  encrypted, not readable
 */
import type { ApplicationDataModel, ConnectionModel, EventModel } from '../analysis/model.js';
import { sanitizeTerminal } from './sanitize.js';

export interface LadderLine {
  frame: number;
  relTime: number;
  toServer: boolean;
  /** The label without arrow (already sanitised). */
  label: string;
  /** The full rendered line (without colour). */
  text: string;
  event: EventModel;
  isAlert: boolean;
  isClientCertificate: boolean;
}

export function eventLabel(e: EventModel): string {
  switch (e.kind) {
    case 'handshake': {
      let s = e.type ?? 'Handshake';
      if (e.type === 'Certificate') {
        const n = e.certificates?.length ?? 0;
        const more = e.certificatesNotKept ?? 0;
        if (n === 0 && e.malformed) s += ' (MALFORMED)';
        else if (more > 0) s += ` (${n + more} certs, ${n} kept)`;
        else s += n === 0 ? ' (EMPTY)' : ` (${n} cert${n > 1 ? 's' : ''})`;
      } else if (e.type === 'CertificateRequest') {
        const n = e.certificateAuthorities?.length ?? 0;
        s += ` (${n} CA name${n === 1 ? '' : 's'})`;
      }
      return s;
    }
    case 'alert':
      return `Alert ${e.level ?? ''} ${e.description ?? ''}${e.code !== undefined ? ` (${e.code})` : ''}`.replace(/\s+/g, ' ').trim();
    case 'change_cipher_spec':
      return 'ChangeCipherSpec';
    case 'heartbeat':
      return `Heartbeat ${e.type ?? ''}`.trim();
    case 'encrypted': {
      if (e.application) return applicationLabel(e.application, e.length ?? 0);
      const quic = (e.details as { quicPacket?: string } | undefined)?.quicPacket;
      const what = e.type ? (e.visibility === 'inferred' ? `${e.type}?` : `encrypted ${e.type}`) : quic ? `${quic} packet` : 'encrypted record';
      return `${what} [${e.length ?? 0} bytes]`;
    }
  }
}

/** A decrypted application-data record: its HTTP first line or HTTP/2 frames, and its length. */
export function applicationLabel(a: ApplicationDataModel, length: number): string {
  const size = `(${length} bytes)`;
  if (a.protocol === 'http/1.x' && a.firstLine !== undefined) return `${a.firstLine} ${size}`;
  if (a.protocol === 'http2') {
    const parts = ['HTTP/2'];
    if (a.preface) parts.push('preface');
    if (a.status !== undefined) parts.push(`:status ${a.status}`);
    if (a.goaway) parts.push(`GOAWAY ${a.goaway.error}`);
    parts.push(size);
    if (a.frames && a.frames.length > 0) parts.push(a.frames.join(' '));
    return parts.join(' ');
  }
  return `ApplicationData ${size}`;
}

function shaft(e: EventModel): string {
  if (e.visibility === 'decrypted') return '=';
  if (e.visibility === 'inferred') return '~';
  if (e.kind === 'encrypted') return '.';
  return '-';
}

const TAG: Record<string, string> = { plaintext: '', decrypted: ' [decrypted]', inferred: ' [inferred]' };

/** Lines of `width` columns for the arrow lane (the frame/time prefix is added by callers). */
export function ladderLines(c: ConnectionModel, width = 64): LadderLine[] {
  const certEv = c.events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
  return c.events.map((e) => {
    const toServer = e.direction === 'client->server';
    let label = sanitizeTerminal(eventLabel(e)) + (TAG[e.visibility] ?? '');
    const maxLabel = width - 6;
    if (label.length > maxLabel) label = `${label.slice(0, maxLabel - 1)}…`;
    const fill = Math.max(3, width - label.length - 3);
    const sh = shaft(e).repeat(fill);
    const text = toServer ? `${label} ${sh}>` : `<${sh} ${label}`.padStart(width);
    return {
      frame: e.frame,
      relTime: e.relTime ?? 0,
      toServer,
      label,
      text,
      event: e,
      isAlert: isProblemAlert(e),
      isClientCertificate: e === certEv,
    };
  });
}

/** An alert worth red: anything but close_notify (0) / user_canceled (90) sent as warnings; also a
 * decrypted HTTP error response (status 400 and above, or an HTTP/2 GOAWAY with an error). */
export function isProblemAlert(e: EventModel): boolean {
  if (e.application) return (e.application.status ?? 0) >= 400 || (e.application.goaway?.errorCode ?? 0) !== 0;
  if (e.kind === 'encrypted') return e.type === 'Alert';
  if (e.kind !== 'alert') return false;
  return !(e.level === 'warning' && (e.code === 0 || e.code === 90));
}

/** The alert that decided the connection: the first fatal problem alert (or encrypted alert),
 * else the first problem alert of any kind (an HTTP error response included); undefined if none. */
export function decisiveAlert(c: ConnectionModel): EventModel | undefined {
  let first: EventModel | undefined;
  for (const e of c.events) {
    if (!isProblemAlert(e)) continue;
    if (e.kind === 'alert' && e.level === 'fatal') return e;
    first ??= e;
  }
  return first;
}

/** The client's Certificate handshake message (the first one), if any. */
export function clientCertificateEvent(c: ConnectionModel): EventModel | undefined {
  return c.events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
}
