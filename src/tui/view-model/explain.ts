/**
 * One line per message saying what it does in the mutual-TLS flow: what it proves, which key signs
 * or protects it (RFC 8446 §4 and RFC 5246 §7.4).
 */
import type { EventModel } from '../../analysis/model.js';

const CLIENT = 'client->server';

/** Role of a handshake message, by type name and sender. */
function handshakeRole(type: string, fromClient: boolean, tls13: boolean): string {
  switch (type) {
    case 'ClientHello':
      return 'Opens the handshake: versions, cipher suites, key shares and the SNI the client offers; no certificate yet.';
    case 'ServerHello':
      return tls13
        ? 'Picks version, cipher suite and key share; everything after it is encrypted with handshake keys (RFC 8446 §4.1.3).'
        : 'Picks version and cipher suite; the server certificate and (for mTLS) CertificateRequest follow in clear (TLS 1.2).';
    case 'HelloRetryRequest':
      return 'The server wants another key share: the client must send a second ClientHello (RFC 8446 §4.1.4).';
    case 'EncryptedExtensions':
      return 'Server extensions that need not be in clear (ALPN, SNI acknowledgement); first message under handshake keys.';
    case 'CertificateRequest':
      return 'The server asks for a client certificate — this is what makes it mutual TLS; its CA list tells the client which issuers are accepted.';
    case 'Certificate':
      return fromClient
        ? "The client's certificate chain (empty = the client has none to offer); proves nothing by itself until CertificateVerify."
        : "The server's certificate chain; the client checks it against its trusted CAs and the SNI.";
    case 'CertificateVerify':
      return fromClient
        ? "Signed with the client's private key over the handshake transcript: proves the client holds the key of the certificate it sent."
        : "Signed with the server's private key over the handshake transcript: proves the server owns its certificate.";
    case 'ServerKeyExchange':
      return "Server's ephemeral (EC)DHE key, signed with the server certificate's private key (TLS 1.2).";
    case 'ServerHelloDone':
      return "End of the server's first flight: the client now answers with Certificate (if requested), ClientKeyExchange, CertificateVerify.";
    case 'ClientKeyExchange':
      return "Client's (EC)DHE key share (or RSA-encrypted premaster secret); not signed — CertificateVerify authenticates the client.";
    case 'Finished':
      return fromClient
        ? "MAC over the whole handshake with the client's finished key: the client confirms the transcript; after it the server decides on the client certificate."
        : "MAC over the whole handshake with the server's finished key: the server confirms the transcript.";
    case 'NewSessionTicket':
      return 'Session ticket for resumption; a resumed handshake carries no Certificate messages (so no client certificate is re-sent).';
    case 'EndOfEarlyData':
      return 'Ends 0-RTT data; early data is sent before any client authentication.';
    case 'KeyUpdate':
      return 'Switches to fresh application traffic keys; no authentication meaning.';
    case 'CertificateStatus':
      return "Stapled OCSP response for the server's certificate.";
    case 'HelloRequest':
      return 'The server asks the client to renegotiate (TLS 1.2); a new CertificateRequest may follow.';
    case 'CompressedCertificate':
      return 'A Certificate message in compressed form (RFC 8879).';
    default:
      return 'Handshake message.';
  }
}

function alertRole(e: EventModel): string {
  const who = e.direction === CLIENT ? 'client' : 'server';
  const peer = e.direction === CLIENT ? 'server' : 'client';
  const d = e.description ?? '';
  if (d === 'close_notify') return `The ${who} closes the connection normally.`;
  const certAlerts = ['bad_certificate', 'unsupported_certificate', 'certificate_revoked', 'certificate_expired', 'certificate_unknown', 'unknown_ca', 'access_denied'];
  if (certAlerts.includes(d)) {
    return `The ${who} rejects the ${peer}'s certificate (${d}): sent by the ${who} about the certificate it received — not a local error of the ${peer}.`;
  }
  if (d === 'certificate_required') return 'The server required a client certificate and got none (RFC 8446 §4.4.2.4).';
  if (d === 'decrypt_error') return `The ${who} could not verify a signature or Finished MAC (often: CertificateVerify made with the wrong private key).`;
  return `The ${who} ends the handshake with this alert${e.level === 'fatal' ? ' (fatal)' : ''}.`;
}

/** The one-line role of an event in the mTLS flow. */
export function explainEvent(e: EventModel, version?: string): string {
  const fromClient = e.direction === CLIENT;
  const tls13 = version === 'TLS 1.3';
  switch (e.kind) {
    case 'handshake':
      return handshakeRole(e.type ?? '', fromClient, tls13);
    case 'alert':
      return alertRole(e);
    case 'change_cipher_spec':
      return tls13
        ? 'Compatibility ChangeCipherSpec (RFC 8446 Appendix D.4): carries no meaning in TLS 1.3.'
        : `From here on the ${fromClient ? 'client' : 'server'} encrypts with the negotiated keys.`;
    case 'heartbeat':
      return 'Heartbeat (RFC 6520) keep-alive; no role in authentication.';
    case 'encrypted': {
      if (e.visibility === 'inferred') {
        return `Encrypted record whose content is inferred from its size and position (${e.type ?? 'unknown'}?) — not a fact; give the key log to be sure.`;
      }
      const st = e.application?.status;
      if (st !== undefined && st >= 400 && e.direction !== CLIENT) {
        return `Decrypted HTTP error response (${st}): the server refused the request inside TLS — nginx answers a rejected or missing client certificate this way.`;
      }
      if (e.application?.firstLine !== undefined || e.application?.protocol === 'http2') return 'Decrypted application data (HTTP): the handshake is over for this side.';
      if (e.type === 'ApplicationData' || e.type === 'application_data') return 'Application data: the handshake is over for this side.';
      return 'Encrypted record that could not be read: give the key log (--keylog) to decrypt it.';
    }
  }
}
