/**
 * The answer to "where is the client certificate?": requested or not, sent / empty / not sent /
 * unknown, where on the wire (frame, TLS record, stream offset), the chain, the CAs the server
 * accepts, and one sentence that says it.
 */
import type { TlsFacts } from '../tls/events.js';
import type { ClientCertificateModel, ConnectionModel, EventModel } from './model.js';
import type { Tls13Inference } from './infer-tls13.js';

function accepts(cas: string[] | undefined): string {
  if (!cas || cas.length === 0) return 'server named no acceptable CAs';
  const shown = cas.slice(0, 3).join('; ');
  return `server accepts: ${shown}${cas.length > 3 ? `; +${cas.length - 3} more` : ''}`;
}

function where(e: EventModel): string {
  const frames = e.frames && e.frames.length > 1 ? ` (TCP segments in frames ${e.frames.join(', ')})` : '';
  return `frame ${e.frame}${frames}, TLS record ${e.recordIndex} of client->server, stream offset ${e.streamOffset}`;
}

/** True once the server's first flight is known to be complete without a CertificateRequest. */
function serverFlightDone(events: EventModel[], facts: TlsFacts): boolean {
  for (const e of events) {
    if (e.direction !== 'server->client' || e.kind !== 'handshake') continue;
    if (e.type === 'ServerHelloDone') return true;
    if (e.type === 'Finished') return true; // resumption (TLS 1.2) or decrypted TLS 1.3 flight
    if (facts.version === 0x0304 && e.type === 'Certificate') return true; // TLS 1.3: CR precedes the server Certificate
  }
  return false;
}

export function describeClientCertificate(
  events: EventModel[],
  facts: TlsFacts,
  model: Pick<ConnectionModel, 'version'>,
  inference?: Tls13Inference,
): ClientCertificateModel {
  const cr = events.find((e) => e.type === 'CertificateRequest' && e.direction === 'server->client' && e.kind === 'handshake');
  const cert = events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
  const cas = cr?.certificateAuthorities;
  const out: ClientCertificateModel = { requested: cr ? true : false, status: 'not-requested' };
  if (cr) {
    out.requestFrame = cr.frame;
    out.acceptedAuthorities = cas ?? [];
  }
  if (cert) {
    out.requested = true;
    out.visibility = cert.visibility;
    out.frame = cert.frame;
    if (cert.frames) out.frames = cert.frames;
    out.recordIndex = cert.recordIndex;
    out.streamOffset = cert.streamOffset;
    out.length = cert.length;
    const chain = cert.certificates ?? [];
    out.chain = chain;
    const how = cert.visibility === 'decrypted' ? ' (decrypted)' : '';
    if (chain.length === 0) {
      out.status = 'empty';
      out.sentence =
        `EMPTY Certificate message in frame ${cert.frame}${how} — the client had no certificate matching ` +
        `the server's request (${accepts(cas)})`;
    } else {
      out.status = 'sent';
      const leaf = chain[0];
      const more = chain.length > 1 ? ` (+${chain.length - 1} more in the chain)` : '';
      out.sentence =
        `sent in ${where(cert)}${how}: ${leaf.subject} issued by ${leaf.issuer}${more} (${accepts(cas)})`;
      if (facts.clientCertificateVerify) out.certificateVerify = { ...facts.clientCertificateVerify };
    }
    return out;
  }
  const tls13Hidden = facts.version === 0x0304 && !facts.decrypted;
  const clientGap = facts.gaps?.find((g) => g.side === facts.clientSide);
  if (cr && clientGap) {
    out.status = 'unknown';
    out.sentence =
      `requested by the server in frame ${cr.frame} (${accepts(cas)}); whether the client answered is hidden by a capture gap ` +
      `(${clientGap.length} bytes missing at client->server stream offset ${clientGap.streamOffset})`;
    return out;
  }
  if (cr) {
    out.status = 'not-sent';
    out.sentence =
      `requested by the server in frame ${cr.frame} (${accepts(cas)}), but the client sent no Certificate message` +
      ' before the connection ended';
    return out;
  }
  if (tls13Hidden && inference && (inference.clientCert !== undefined || inference.requested !== undefined)) {
    return inferredClientCertificate(inference);
  }
  if (tls13Hidden) {
    out.requested = 'unknown';
    out.status = 'unknown';
    out.sentence =
      'unknown: TLS 1.3 encrypts the CertificateRequest and the client Certificate; give the key log (--keylog) to see them';
    return out;
  }
  if (serverFlightDone(events, facts) || facts.resumed) {
    out.sentence = facts.resumed
      ? 'not requested: resumed session (no Certificate messages in an abbreviated handshake)'
      : 'not requested: the server sent no CertificateRequest — this is one-way TLS';
    return out;
  }
  out.requested = 'unknown';
  out.status = 'unknown';
  out.sentence = `unknown: the connection ended before the server finished its ${model.version ?? 'TLS'} handshake flight`;
  return out;
}

/** TLS 1.3 without keys: the client-certificate answer from record sizes, labelled inferred. */
function inferredClientCertificate(inf: Tls13Inference): ClientCertificateModel {
  const why = inf.reasons.join('; ');
  const out: ClientCertificateModel = {
    requested: inf.requested ?? 'unknown',
    status: 'unknown',
    visibility: 'inferred',
  };
  const e = inf.certEvent;
  if (e) {
    out.frame = e.frame;
    if (e.frames) out.frames = e.frames;
    out.recordIndex = e.recordIndex;
    out.streamOffset = e.streamOffset;
    out.length = e.length;
  }
  if (inf.clientCert === 'sent' && e) {
    out.status = 'sent';
    out.sentence = `INFERRED sent in frame ${e.frame}, TLS record ${e.recordIndex} of client->server, stream offset ${e.streamOffset} (encrypted, ${e.length} bytes; subject unknown without keys) — ${why}`;
  } else if (inf.clientCert === 'empty' && e) {
    out.status = 'empty';
    out.sentence = `INFERRED EMPTY Certificate in frame ${e.frame} (a ${e.length}-byte encrypted record) — ${why}`;
  } else if (inf.clientCert === 'none' || inf.requested === false) {
    out.status = 'not-requested';
    out.sentence = `INFERRED not requested — ${why}`;
  } else {
    out.sentence = `unknown (encrypted) — ${why}`;
  }
  return out;
}
