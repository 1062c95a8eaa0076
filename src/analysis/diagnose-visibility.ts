/**
 * Notes on what the capture cannot show, so that no verdict claims it: the handshake was not
 * captured, client and server were told apart by a guess, the session was resumed, or TLS 1.3
 * post-handshake authentication may have happened under encryption. All info severity: they
 * explain an `unknown`, they are not problems of the connection.
 */
import type { TlsFacts } from '../tls/events.js';
import type { ConnectionModel, DiagnosisModel } from './model.js';
import type { Tls13Inference } from './infer-tls13.js';

const FIX_START_EARLIER =
  'Start the capture before the connection opens (the TCP SYN and the TLS ClientHello / ServerHello must be in it); for a long-lived ' +
  'connection, capture while the client reconnects.';

const FIX_PHA =
  'Record the TLS secrets (SSLKEYLOGFILE, openssl s_client -keylogfile) and pass them with --keylog: the post-handshake CertificateRequest and the ' +
  'client\'s Certificate are then decrypted and shown.';

/**
 * The end of diagnose(): withdraws what the capture cannot support, then adds the notes. An
 * inferred "rejected without an alert" is withdrawn when the server did answer with an (ambiguous)
 * encrypted alert.
 */
export function settleVisibility(out: DiagnosisModel[], m: ConnectionModel, facts: TlsFacts, inf?: Tls13Inference): void {
  if (inf?.ambiguousAlert) {
    for (let i = out.length - 1; i >= 0; i--) if (out[i].inferred && out[i].code === 'client-cert-rejected') out.splice(i, 1);
  }
  out.push(...visibilityDiagnoses(m, facts, inf));
}

export function visibilityDiagnoses(m: ConnectionModel, facts: TlsFacts, inf?: Tls13Inference): DiagnosisModel[] {
  const out: DiagnosisModel[] = [];
  if (inf?.ambiguousAlert) {
    const a = inf.ambiguousAlert;
    const cert = inf.certEvent;
    out.push({
      code: 'encrypted-alert-ambiguous',
      severity: 'warning',
      summary:
        `INFERRED: the client closed right after its ${cert ? 'certificate ' : ''}flight and the server answered with one encrypted alert (frame ${a.frame}): ` +
        'its close_notify, or a rejection — whether the handshake was accepted is not known.',
      explanation:
        `From encrypted record sizes (no keys): ${inf.reasons.join('; ')}. A close_notify and a fatal alert are both 2 bytes inside a TLS 1.3 record, ` +
        'and the client\'s own alert came first, so the server may only have answered it; no ticket or data from the server shows acceptance either.',
      fix: 'Record the TLS secrets and pass them with --keylog (the alert is then decrypted), or look at the server\'s log for this connection.',
      evidenceFrames: [cert?.frame, a.frame].filter((x): x is number => x !== undefined),
      inferred: true,
    });
  }
  const cc = m.clientCertificate;
  if (m.handshakeCaptured === false) {
    const first = m.firstFrame;
    out.push({
      code: 'handshake-not-captured',
      severity: 'info',
      summary: 'Handshake not captured: the capture starts after the TLS handshake of this connection, so there is no certificate verdict.',
      explanation:
        `No ClientHello or ServerHello is in the capture (its first packet of this connection, frame ${first}, is already past them). Whether the server requested a client certificate, ` +
        'which one was sent and whether it was accepted was decided before the capture began; the records seen are encrypted application data and alerts.',
      fix: FIX_START_EARLIER,
      evidenceFrames: [first],
    });
  }
  if (facts.clientSideBy === 'server-hello') {
    const sh = m.events.find((e) => e.type === 'ServerHello');
    out.push({
      code: 'client-hello-not-captured',
      severity: 'info',
      summary: 'The capture starts after the ClientHello: the rest of the handshake is shown, but the connection cannot be decrypted.',
      explanation:
        'Key logs (SSLKEYLOGFILE) name each connection\'s secrets by the ClientHello random, which is not in the capture; the client is the side the ' +
        'ServerHello was sent to. Facts before the ServerHello (offered versions, SNI, extensions) are unknown.',
      fix: FIX_START_EARLIER,
      evidenceFrames: sh ? [sh.frame] : [],
    });
  }
  const o = m.orientation;
  if (o?.inferred) {
    out.push({
      code: 'orientation-guessed',
      severity: 'info',
      summary: `Client and server are guessed: ${m.client.ip}:${m.client.port} is taken as the client, ${m.server.ip}:${m.server.port} as the server.`,
      explanation: `${o.reason ?? 'No TCP SYN and no TLS Hello was captured.'} They may be the other way round.`,
      fix: FIX_START_EARLIER,
      evidenceFrames: [m.firstFrame],
      inferred: true,
    });
  }
  if (cc.unknownBecause === 'post-handshake-auth-possible') {
    out.push({
      code: 'post-handshake-auth-possible',
      severity: 'info',
      summary: 'The client offered TLS 1.3 post-handshake authentication: a client certificate may have been requested after the handshake, where it is encrypted.',
      explanation:
        'RFC 8446 §4.6.2: with post_handshake_auth offered in the ClientHello, the server may send a CertificateRequest at any time after the handshake; ' +
        'it and the client\'s Certificate travel under the application keys, indistinguishable from application data without them. ' +
        '"Not requested" would be a guess, so the client certificate is unknown.',
      fix: FIX_PHA,
      evidenceFrames: m.events.filter((e) => e.type === 'ClientHello').map((e) => e.frame).slice(0, 1),
    });
  }
  if (cc.unknownBecause === 'resumed') {
    const sh = m.events.find((e) => e.type === 'ServerHello');
    out.push({
      code: 'session-resumed',
      severity: 'info',
      summary: 'Resumed session: no certificate is sent; the client identity comes from the original session.',
      explanation:
        (facts.version === 0x0304
          ? 'RFC 8446 §2.2: a PSK resumption authenticates both sides by the pre-shared key; the server must not send a CertificateRequest in the main handshake (§4.3.2). '
          : 'RFC 5246 §7.3 / RFC 5077 §3.1: an abbreviated handshake (session id or ticket) has no Certificate messages. ') +
        'Whether the client was authenticated, and by which certificate, was decided in the full handshake that created the session — look for it earlier in the capture.',
      evidenceFrames: sh ? [sh.frame] : [],
    });
  }
  return out;
}
