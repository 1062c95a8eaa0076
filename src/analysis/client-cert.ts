/**
 * The answer to "where is the client certificate?": requested or not, sent / empty / not sent /
 * unknown, where on the wire (frame, TLS record, stream offset), the chain, the CAs the server
 * accepts, and one sentence that says it.
 */
import type { Side } from '../tcp/types.js';
import type { TlsFacts } from '../tls/events.js';
import type { ClientCertificateModel, ConnectionModel, EventModel } from './model.js';
import type { Tls13Inference } from './infer-tls13.js';
import { ProtocolVersion } from '../tls/registry/versions.js';

function accepts(cas: string[] | undefined): string {
  if (!cas || cas.length === 0) return 'server named no acceptable CAs';
  const shown = cas.slice(0, 3).join('; ');
  return `server accepts: ${shown}${cas.length > 3 ? `; +${cas.length - 3} more` : ''}`;
}

function where(e: EventModel): string {
  const q = e.details as { quicPacket?: string; packetNumber?: number; cryptoOffset?: number } | undefined;
  if (q?.quicPacket !== undefined) {
    const more = e.frames && e.frames.length > 1 ? ` (CRYPTO data in frames ${e.frames.join(', ')})` : '';
    return `frame ${e.frame}${more}, QUIC ${q.quicPacket} packet number ${q.packetNumber} of client->server, CRYPTO offset ${q.cryptoOffset}`;
  }
  const frames = e.frames && e.frames.length > 1 ? ` (TCP segments in frames ${e.frames.join(', ')})` : '';
  return `frame ${e.frame}${frames}, TLS record ${e.recordIndex} of client->server, stream offset ${e.streamOffset}`;
}

/** True once the server's first flight is known to be complete without a CertificateRequest. */
function serverFlightDone(events: EventModel[], facts: TlsFacts): boolean {
  for (const e of events) {
    if (e.direction !== 'server->client' || e.kind !== 'handshake') continue;
    if (e.type === 'ServerHelloDone') return true;
    if (e.type === 'Finished') return true; // resumption (TLS 1.2) or decrypted TLS 1.3 flight
    if (facts.version === ProtocolVersion.TLS13 && e.type === 'Certificate') return true; // TLS 1.3: CR precedes the server Certificate
  }
  return false;
}

export function describeClientCertificate(
  events: EventModel[],
  facts: TlsFacts,
  model: Pick<ConnectionModel, 'version' | 'resumed' | 'handshakeCaptured'>,
  clientSide: Side,
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
    if (chain.length === 0 && cert.malformed) {
      out.status = 'malformed';
      out.sentence =
        `MALFORMED Certificate message in frame ${cert.frame}${how}: its certificate list does not parse ` +
        '(a length runs past the message), so whether it carried a certificate is unknown';
    } else if (chain.length === 0) {
      out.status = 'empty';
      out.sentence =
        `EMPTY Certificate message in frame ${cert.frame}${how} — the client had no certificate matching ` +
        `the server's request (${accepts(cas)})`;
    } else {
      out.status = 'sent';
      const leaf = chain[0];
      const more = chain.length > 1 ? ` (+${chain.length - 1} more in the chain)` : '';
      const pha = postHandshake(events, cert) ? ', after the handshake (TLS 1.3 post-handshake authentication)' : '';
      out.sentence =
        `sent in ${where(cert)}${how}${pha}: ${leaf.subject} issued by ${leaf.issuer}${more} (${accepts(cas)})`;
      if (facts.clientCertificateVerify) out.certificateVerify = { ...facts.clientCertificateVerify };
    }
    return out;
  }
  const tls13Hidden = facts.version === ProtocolVersion.TLS13 && !facts.decrypted;
  const clientGap = facts.gaps?.find((g) => g.side === clientSide);
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
  if (model.handshakeCaptured === false) {
    return {
      requested: 'unknown',
      status: 'unknown',
      unknownBecause: 'handshake-not-captured',
      sentence: 'unknown: handshake not captured — the capture starts after the TLS handshake, so whether a client certificate was requested or sent is not in it',
    };
  }
  if (model.resumed) {
    // an abbreviated / PSK handshake carries no Certificate messages: the client identity (if
    // any) is the one authenticated in the full handshake that created the session
    return {
      requested: false,
      status: 'unknown',
      unknownBecause: 'resumed',
      sentence: 'resumed: no certificate is sent; the identity comes from the original session (the client certificate, if any, of the full handshake that created it)',
    };
  }
  if (tls13Hidden && inference && (inference.clientCert !== undefined || inference.requested !== undefined)) {
    return withPostHandshakeAuth(inferredClientCertificate(inference), facts);
  }
  if (tls13Hidden) {
    out.requested = 'unknown';
    out.status = 'unknown';
    out.sentence =
      'unknown: TLS 1.3 encrypts the CertificateRequest and the client Certificate; give the key log (--keylog) to see them';
    return out;
  }
  if (serverFlightDone(events, facts)) {
    out.sentence = 'not requested: the server sent no CertificateRequest — this is one-way TLS';
    // decrypted handshake, but server records after it stayed encrypted (application secrets
    // missing from the key log): a post-handshake CertificateRequest could be among them
    const serverSide: Side = clientSide === 0 ? 1 : 0;
    if (facts.version === 0x0304 && facts.encryptedRecords[serverSide] > 0) return withPostHandshakeAuth(out, facts);
    return out;
  }
  out.requested = 'unknown';
  out.status = 'unknown';
  out.sentence = `unknown: the connection ended before the server finished its ${model.version ?? 'TLS'} handshake flight`;
  return out;
}

/** The client's Certificate came after its handshake Finished (TLS 1.3 post-handshake auth). */
function postHandshake(events: EventModel[], cert: EventModel): boolean {
  const fin = events.findIndex((e) => e.type === 'Finished' && e.direction === 'client->server' && e.kind === 'handshake');
  return fin >= 0 && fin < events.indexOf(cert);
}

/**
 * TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2): when the ClientHello offered
 * post_handshake_auth, the server may send a CertificateRequest at any time after the handshake,
 * encrypted under the application keys like application data. Without keys, "not requested" is
 * therefore never a safe conclusion: it becomes unknown, with the reason.
 */
function withPostHandshakeAuth(out: ClientCertificateModel, facts: TlsFacts): ClientCertificateModel {
  if (out.status !== 'not-requested' || !facts.postHandshakeAuthOffered) return out;
  const why = out.sentence?.replace(/^INFERRED not requested — /, '').replace(/^not requested: .*/, '') ?? '';
  return {
    ...out,
    requested: 'unknown',
    status: 'unknown',
    unknownBecause: 'post-handshake-auth-possible',
    sentence:
      `unknown: no CertificateRequest in the handshake${out.visibility === 'inferred' ? ' (inferred)' : ''}, but the client offered post_handshake_auth, so the server may have requested ` +
      'a certificate after the handshake, encrypted like application data; give the key log (--keylog) with the application traffic secrets to see it' + (why ? ` — ${why}` : ''),
  };
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
  const quic = (e?.details as { quicPacket?: string } | undefined)?.quicPacket;
  if (e) {
    out.frame = e.frame;
    if (e.frames) out.frames = e.frames;
    if (!quic) {
      out.recordIndex = e.recordIndex;
      out.streamOffset = e.streamOffset;
    }
    out.length = e.length;
  }
  const unit = quic ? `encrypted QUIC ${quic} packet` : 'encrypted record';
  if (inf.clientCert === 'sent' && e) {
    out.status = 'sent';
    const where = quic ? `frame ${e.frame}, a QUIC ${quic} packet of client->server` : `frame ${e.frame}, TLS record ${e.recordIndex} of client->server, stream offset ${e.streamOffset}`;
    out.sentence = `INFERRED sent in ${where} (encrypted, ${e.length} bytes; subject unknown without keys) — ${why}`;
  } else if (inf.clientCert === 'empty' && e) {
    out.status = 'empty';
    out.sentence = `INFERRED EMPTY Certificate in frame ${e.frame} (a ${e.length}-byte ${unit}) — ${why}`;
  } else if (inf.clientSilent && inf.requested === true) {
    out.status = 'not-sent';
    out.sentence = `INFERRED requested, but the client sent no Certificate: no encrypted record came from it after the server's flight — ${why}`;
  } else if (inf.clientCert === 'none' || inf.requested === false) {
    out.status = 'not-requested';
    out.sentence = `INFERRED not requested — ${why}`;
  } else {
    out.sentence = `unknown (encrypted) — ${why}`;
  }
  return out;
}
