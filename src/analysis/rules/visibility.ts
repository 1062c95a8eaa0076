/**
 * Notes on what the capture cannot show, so that no verdict claims it: an encrypted alert that may
 * be a close_notify, the handshake was not captured, client and server were told apart by a guess,
 * the session was resumed, or TLS 1.3 post-handshake authentication may have happened under
 * encryption. Info severity except the ambiguous alert: they explain an `unknown`, they are not
 * problems of the connection.
 */
import { rule, type AnyRule } from './types.js';

const FIX_START_EARLIER =
  'Start the capture before the connection opens (the TCP SYN and the TLS ClientHello / ServerHello must be in it); for a long-lived ' +
  'connection, capture while the client reconnects.';

const FIX_PHA =
  'Record the TLS secrets (SSLKEYLOGFILE, openssl s_client -keylogfile) and pass them with --keylog: the post-handshake CertificateRequest and the ' +
  'client\'s Certificate are then decrypted and shown.';

const ambiguousAlert = rule({
  name: 'encrypted-alert-ambiguous',
  code: 'encrypted-alert-ambiguous',
  severity: 'warning',
  rfc: 'RFC 8446 §5.2 / §6',
  explanation:
    'A close_notify and a fatal alert are both 2 bytes inside a TLS 1.3 record. The client closed right after its flight (its own alert-sized record and a TCP close) before the server answered, ' +
    "so the server's one alert-sized record may only have answered it; no ticket or data from the server shows acceptance either. Whether the handshake was accepted is not known.",
  fix: 'Record the TLS secrets and pass them with --keylog (the alert is then decrypted), or look at the server\'s log for this connection.',
  cites: "TLS 1.3 record sizes: the client's alert-sized record and TCP close, then one alert-sized server record",
  inferred: true,
  appliesWhen: (x) => x.inf?.ambiguousAlert !== undefined,
  evaluate: (x) => {
    const inf = x.inf!;
    const a = inf.ambiguousAlert!;
    const cert = inf.certEvent;
    return {
      summary:
        `INFERRED: the client closed right after its ${cert ? 'certificate ' : ''}flight and the server answered with one encrypted alert (frame ${a.frame}): ` +
        'its close_notify, or a rejection — whether the handshake was accepted is not known.',
      evidence: [`From encrypted record sizes (no keys): ${inf.reasons.join('; ')}.`],
      evidenceFrames: [cert?.frame, a.frame].filter((f): f is number => f !== undefined),
    };
  },
  // an inferred "rejected without an alert" is withdrawn: the server did answer, ambiguously
  supersedes: (_x, _it, d) => d.inferred === true && d.code === 'client-cert-rejected',
});

const notCaptured = rule({
  name: 'handshake-not-captured',
  code: 'handshake-not-captured',
  severity: 'info',
  rfc: 'RFC 8446 §2 / RFC 5246 §7.3',
  explanation:
    'No ClientHello or ServerHello of this connection is in the capture. Whether the server requested a client certificate, ' +
    'which one was sent and whether it was accepted was decided before the capture began; the records seen are encrypted application data and alerts.',
  fix: FIX_START_EARLIER,
  cites: "no ClientHello or ServerHello in the capture; the connection's first frame",
  appliesWhen: (x) => x.m.handshakeCaptured === false,
  evaluate: (x) => {
    const first = x.m.firstFrame;
    return {
      summary: 'Handshake not captured: the capture starts after the TLS handshake of this connection, so there is no certificate verdict.',
      evidence: [`The capture's first packet of this connection, frame ${first}, is already past the ClientHello and ServerHello.`],
      evidenceFrames: [first],
    };
  },
});

const clientHelloMissing = rule({
  name: 'client-hello-not-captured',
  code: 'client-hello-not-captured',
  severity: 'info',
  rfc: 'NSS key log format (keyed by the ClientHello random)',
  explanation:
    'Key logs (SSLKEYLOGFILE) name each connection\'s secrets by the ClientHello random, which is not in the capture; the client is the side the ' +
    'ServerHello was sent to. Facts before the ServerHello (offered versions, SNI, extensions) are unknown.',
  fix: FIX_START_EARLIER,
  cites: 'the client side told by the ServerHello: no ClientHello in the capture',
  appliesWhen: (x) => x.tls.clientHelloMissing,
  evaluate: (x) => {
    const sh = x.events.find((e) => e.type === 'ServerHello');
    return {
      summary: 'The capture starts after the ClientHello: the rest of the handshake is shown, but the connection cannot be decrypted.',
      evidenceFrames: sh ? [sh.frame] : [],
    };
  },
});

const orientationGuessed = rule({
  name: 'orientation-guessed',
  code: 'orientation-guessed',
  severity: 'info',
  rfc: 'RFC 9293 §3.5 (the SYN names the client)',
  explanation:
    'Neither a TCP SYN nor a TLS Hello says which side is the client, so it is guessed: from a port that listened earlier in the capture, a well-known port, or the lower port. ' +
    'They may be the other way round.',
  fix: FIX_START_EARLIER,
  cites: 'no TCP SYN and no TLS Hello: the orientation basis (listening port, well-known port, lower port, first packet)',
  inferred: true,
  appliesWhen: (x) => x.m.orientation?.inferred === true,
  evaluate: (x) => {
    const m = x.m;
    return {
      summary: `Client and server are guessed: ${m.client.ip}:${m.client.port} is taken as the client, ${m.server.ip}:${m.server.port} as the server.`,
      evidence: [m.orientation!.reason ?? 'No TCP SYN and no TLS Hello was captured.'],
      evidenceFrames: [m.firstFrame],
    };
  },
});

const pha = rule({
  name: 'post-handshake-auth-possible',
  code: 'post-handshake-auth-possible',
  severity: 'info',
  rfc: 'RFC 8446 §4.6.2',
  explanation:
    'RFC 8446 §4.6.2: with post_handshake_auth offered in the ClientHello, the server may send a CertificateRequest at any time after the handshake; ' +
    'it and the client\'s Certificate travel under the application keys, indistinguishable from application data without them. ' +
    '"Not requested" would be a guess, so the client certificate is unknown.',
  fix: FIX_PHA,
  cites: 'post_handshake_auth in the ClientHello, TLS 1.3 without keys',
  appliesWhen: (x) => x.m.clientCertificate.unknownBecause === 'post-handshake-auth-possible',
  evaluate: (x) => ({
    summary: 'The client offered TLS 1.3 post-handshake authentication: a client certificate may have been requested after the handshake, where it is encrypted.',
    evidenceFrames: x.events.filter((e) => e.type === 'ClientHello').map((e) => e.frame).slice(0, 1),
  }),
});

const resumed = rule({
  name: 'session-resumed',
  code: 'session-resumed',
  severity: 'info',
  rfc: 'RFC 8446 §2.2 / RFC 5246 §7.3, RFC 5077 §3.1',
  explanation:
    'A resumed session sends no certificate. RFC 8446 §2.2: a TLS 1.3 PSK resumption authenticates both sides by the pre-shared key; the server must not send a CertificateRequest in the main handshake (§4.3.2). ' +
    'RFC 5246 §7.3 / RFC 5077 §3.1: a TLS 1.2 abbreviated handshake (session id or ticket) has no Certificate messages. ' +
    'Whether the client was authenticated, and by which certificate, was decided in the full handshake that created the session — look for it earlier in the capture.',
  fix: 'Nothing to fix in this connection: look at the full handshake that created the session, earlier in the capture (or capture a new connection without resumption: openssl s_client without -sess_in, curl --no-sessionid).',
  cites: 'a resumed session (PSK, session ticket or session id): no Certificate messages',
  appliesWhen: (x) => x.m.clientCertificate.unknownBecause === 'resumed',
  evaluate: (x) => {
    const sh = x.events.find((e) => e.type === 'ServerHello');
    return {
      summary: 'Resumed session: no certificate is sent; the client identity comes from the original session.',
      evidenceFrames: sh ? [sh.frame] : [],
    };
  },
});

export const VISIBILITY_RULES: readonly AnyRule[] = [ambiguousAlert, notCaptured, clientHelloMissing, orientationGuessed, pha, resumed];
