/**
 * TLS 1.3 without keys: what the encrypted records' count, order and sizes say about the mTLS
 * flow. Every conclusion is labelled `inferred` and carries its reasoning in words; nothing here
 * is presented as a fact.
 *
 * Sizes (RFC 8446 §5.2): a protected record is plaintext + 1 (inner content type) + the AEAD tag
 * (16 bytes; 8 for TLS_AES_128_CCM_8_SHA256), plus optional padding (none of the stacks we
 * captured pad handshake records). Finished is 4 + Hash.length bytes; an empty client
 * Certificate is 8 bytes (type, length, empty context, empty certificate_list); an alert is 2.
 * Stacks either put each handshake message in its own record (OpenSSL, GnuTLS) or coalesce
 * several into one (Go, rustls): both shapes are handled.
 */
import type { EventModel } from './model.js';

export interface Tls13Inference {
  requested?: boolean;
  clientCert?: 'sent' | 'empty' | 'none';
  /** Client Certificate record (when separate) or the coalesced record holding it. */
  certEvent?: EventModel;
  /** Encrypted record inferred to be the server's rejection alert. */
  alertEvent?: EventModel;
  /** The server's alert-sized answer came after the client's own alert-sized record (its
   * close_notify, most likely): a close_notify reply or a rejection, the sizes cannot tell. */
  ambiguousAlert?: EventModel;
  /** Server records after the client's flight show the handshake went on (tickets / data). */
  continued: boolean;
  /** The client sent no encrypted record at all after the server's flight (no Certificate, no Finished). */
  clientSilent?: boolean;
  reasons: string[];
}

function sizes(evs: EventModel[]): string {
  return evs.map((e) => e.length ?? 0).join(', ');
}

function label(e: EventModel, type: string, reason: string): void {
  e.type = type;
  e.visibility = 'inferred';
  e.reason = reason;
}

/**
 * `clientClosedAt`: frame of the client's first FIN or RST (0 = none). A client that sent an
 * alert-sized record and closed TCP before the server's only (alert-sized) answer made the server
 * reply to its close: close_notify and rejection cannot be told apart then.
 */
export function inferTls13(events: EventModel[], cipherSuite: string | undefined, clientClosedAt = 0): Tls13Inference {
  const hashLen = cipherSuite?.includes('SHA384') ? 48 : 32;
  const tag = cipherSuite?.includes('CCM_8') ? 8 : 16;
  const overhead = 1 + tag;
  const finLen = 4 + hashLen + overhead;
  const emptyCertLen = 8 + overhead;
  const alertLen = 2 + overhead;
  const enc = events.filter((e) => e.kind === 'encrypted' && e.type === undefined);
  const res: Tls13Inference = { continued: false, reasons: [] };
  const firstClient = enc.findIndex((e) => e.direction === 'client->server');
  if (firstClient < 0) {
    const server = enc.filter((e) => e.direction === 'server->client');
    if (server.length === 0) return res;
    res.reasons.push(`the client sent no encrypted record after the server's ${server.length} (${sizes(server)} bytes)`);
    // the server's flight ends at its first Finished-sized record; only alert-sized records may follow
    const end = server.findIndex((e, i) => i >= 1 && i <= 4 && e.length === finLen);
    const tail = end < 0 ? [] : server.slice(end + 1);
    if (end >= 0 && tail.every((e) => e.length === alertLen)) {
      labelServerFlight(server.slice(0, end + 1), finLen, res);
      if (res.requested !== undefined) res.clientSilent = true;
      if (tail.length > 0) {
        label(tail[0], 'Alert', `a ${alertLen}-byte server record (a 2-byte alert + ${overhead}) after its flight, while the client sent nothing: most likely a fatal alert`);
        res.alertEvent = tail[0];
      }
    }
    return res;
  }
  const serverFlight = enc.slice(0, firstClient).filter((e) => e.direction === 'server->client');
  const rest = enc.slice(firstClient);

  // --- the server's flight ---
  if (serverFlight.length >= 2 && serverFlight[serverFlight.length - 1].length === finLen) {
    labelServerFlight(serverFlight, finLen, res);
  } else if (serverFlight.length === 1) {
    res.reasons.push(`server sent its flight in one encrypted record (${sizes(serverFlight)} bytes): messages coalesced, CertificateRequest not visible from sizes`);
  }
  return inferClientFlight(rest, res, { finLen, emptyCertLen, alertLen, overhead, hashLen }, clientClosedAt);
}

/** Names the records of the server's flight from their count (the last is Finished-sized). */
function labelServerFlight(serverFlight: EventModel[], finLen: number, res: Tls13Inference): void {
  const n = serverFlight.length;
  const names =
    n === 5
      ? ['EncryptedExtensions', 'CertificateRequest', 'Certificate', 'CertificateVerify', 'Finished']
      : n === 4
        ? ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished']
        : n === 2
          ? ['EncryptedExtensions', 'Finished']
          : null;
  if (names) {
    const why = `server sent ${n} encrypted handshake records (${sizes(serverFlight)} bytes), the last of Finished size (${finLen}): ${names.join(' + ')}`;
    serverFlight.forEach((e, i) => label(e, names[i], why));
    res.requested = n === 5;
    res.reasons.push(why);
  }
}

interface Lens {
  finLen: number;
  emptyCertLen: number;
  alertLen: number;
  overhead: number;
  hashLen: number;
}

function inferClientFlight(rest: EventModel[], res: Tls13Inference, l: Lens, clientClosedAt: number): Tls13Inference {
  const { finLen, emptyCertLen, alertLen, overhead, hashLen } = l;
  // --- the client's flight: records up to its Finished ---
  const clientRecs: EventModel[] = [];
  let finIdx = -1;
  for (let i = 0; i < rest.length; i++) {
    const e = rest[i];
    if (e.direction !== 'client->server') break;
    clientRecs.push(e);
    if (e.length === finLen) {
      finIdx = i;
      break;
    }
  }
  if (finIdx >= 0) {
    const before = clientRecs.slice(0, -1);
    const fin = clientRecs[clientRecs.length - 1];
    const flight = `client sent ${clientRecs.length} encrypted handshake record${clientRecs.length > 1 ? 's' : ''} (${sizes(clientRecs)} bytes) after the server's Finished`;
    if (before.length === 0) {
      label(fin, 'Finished', `${flight}: Finished only, no Certificate`);
      res.clientCert = 'none';
      res.requested ??= false;
      res.reasons.push(`${flight}: Finished only — the client sent no Certificate`);
    } else if (before.length === 1 && before[0].length === emptyCertLen) {
      label(before[0], 'Certificate', `${flight}: a ${emptyCertLen}-byte record is exactly an EMPTY Certificate (8 bytes + ${overhead})`);
      label(fin, 'Finished', `${flight}: Finished (${finLen} bytes)`);
      res.clientCert = 'empty';
      res.certEvent = before[0];
      res.requested = true;
      res.reasons.push(`${flight}: empty Certificate + Finished`);
    } else if (before.length === 2) {
      label(before[0], 'Certificate', `${flight}: Certificate + CertificateVerify + Finished`);
      label(before[1], 'CertificateVerify', `${flight}: Certificate + CertificateVerify + Finished`);
      label(fin, 'Finished', `${flight}: Finished (${finLen} bytes)`);
      res.clientCert = 'sent';
      res.certEvent = before[0];
      res.requested = true;
      res.reasons.push(`${flight}: Certificate + CertificateVerify + Finished`);
    } else {
      res.reasons.push(`${flight}: ${before.length} records before the Finished-size one, not a pattern we can name`);
    }
  } else if (clientRecs.length === 1 && clientRecs[0].length !== undefined) {
    // one coalesced record: empty Certificate + Finished, Finished alone, or Certificate + CV + Finished
    const e = clientRecs[0];
    const len = e.length ?? 0;
    if (len === 8 + 4 + hashLen + overhead) {
      label(e, 'Certificate', `client sent one ${len}-byte encrypted record: exactly an empty Certificate (8) + Finished (${4 + hashLen}) coalesced`);
      res.clientCert = 'empty';
      res.certEvent = e;
      res.requested = true;
    } else if (len > finLen + 100) {
      label(e, 'Certificate', `client sent one ${len}-byte encrypted record: Certificate + CertificateVerify + Finished coalesced (too large for Finished alone)`);
      res.clientCert = 'sent';
      res.certEvent = e;
      res.requested = true;
    }
    if (e.reason) res.reasons.push(e.reason);
  }

  // --- what the server did next ---
  const clientFlightEnd = finIdx >= 0 ? finIdx : clientRecs.length - 1;
  const after = rest.slice(clientFlightEnd + 1).filter((e) => e.direction === 'server->client');
  // the client's records between its flight and the server's first answer
  const firstAfter = after.length > 0 ? rest.indexOf(after[0]) : rest.length;
  const clientClosed = rest.slice(clientFlightEnd + 1, firstAfter).find((e) => e.direction === 'client->server' && e.length === alertLen);
  if (after.length > 0) {
    const first = after[0];
    const closedFirst = clientClosed !== undefined && clientClosedAt > 0 && clientClosedAt < first.frame;
    if (first.length === alertLen && closedFirst && after.every((e) => e.length === alertLen)) {
      label(clientClosed!, 'Alert', `a ${alertLen}-byte encrypted record from the client after its Finished (a 2-byte alert + ${overhead}): most likely its close_notify`);
      label(first, 'Alert', `a ${alertLen}-byte encrypted record (an alert) after the client's own alert: the server's close_notify reply or a rejection — record sizes cannot tell`);
      res.ambiguousAlert = first;
      res.reasons.push(
        `the client sent an alert-sized record (${alertLen} bytes, most likely close_notify) right after its flight and closed TCP (frame ${clientClosedAt}) before the server answered with an alert-sized record: ` +
          'a close_notify reply or a rejection, not told apart without keys',
      );
    } else if (first.length === alertLen) {
      label(first, 'Alert', `the server's first record after the client's flight is ${alertLen} bytes (a 2-byte alert + ${overhead}) and nothing but alerts follow: most likely a fatal alert rejecting the client's flight`);
      const onlyAlerts = after.every((e) => e.length === alertLen);
      if (onlyAlerts) {
        res.alertEvent = first;
        res.reasons.push(`the server answered the client's flight with a ${alertLen}-byte encrypted record (an alert) and closed`);
      } else {
        first.reason = `a ${alertLen}-byte encrypted record: an alert (warning or close_notify, as the server went on sending)`;
        res.continued = true;
      }
    } else {
      res.continued = true;
      label(first, 'NewSessionTicket', `server record of ${first.length} bytes after the client's Finished: a NewSessionTicket or application data — the server accepted the handshake`);
      res.reasons.push(`the server went on after the client's flight (${sizes(after.slice(0, 3))} bytes): handshake accepted`);
    }
  }
  return res;
}
