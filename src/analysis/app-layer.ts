/**
 * Rejections that only the application layer shows. nginx (`ssl_verify_client on`) completes the
 * TLS handshake whatever certificate the client sends, verifies it afterwards and answers a failure
 * INSIDE TLS with `400 Bad Request` — "The SSL certificate error" (verification failed) or "No
 * required SSL certificate was sent" — and no alert. With the key log the decrypted response is
 * the evidence (src/tls/app-data.ts looks at the first records); without keys nothing here applies
 * and the TLS-level inference stands.
 *
 * Rule: the server's first HTTP response on a connection where the server asked for a client
 * certificate is a proven client-certificate rejection when its status is 495/496 or its error
 * page names the SSL certificate (nginx's texts); a bare 400 right after a certificate the server's
 * CA list does not cover, or after an empty Certificate, is the same rejection but inferred.
 * A proven rejection supersedes the diagnoses that only said "no alert was seen" or guessed from a
 * silent close (SUPERSEDED below): they described the same connection with less evidence.
 */
import type { ConnectionModel, EventModel } from './model.js';
import { dnKeyOfString } from './dn-key.js';
import type { DiagnosisCode } from './diagnosis-codes.js';

/** Codes that a proven HTTP-level rejection replaces (when they are not errors of their own). */
export const SUPERSEDED = new Set<DiagnosisCode>(['client-cert-wrong-ca', 'client-cert-rejected', 'handshake-incomplete']);

/** Error-page texts naming the client certificate (nginx 1.x ngx_http_special_response.c). */
const CERT_TEXT = /\b(?:SSL certificate error|No required SSL certificate was sent|SSL Certificate Error|SSL Certificate Required)\b/i;
/** nginx's internal status codes for certificate failures (shown when error_page passes them on). */
const CERT_STATUS = new Set([495, 496]);

const NGINX_FIX =
  'nginx verifies the client certificate against ssl_client_certificate (CAs it also names in the CertificateRequest) or ssl_trusted_certificate ' +
  '(trusted but not named), up to ssl_verify_depth certificates deep, when ssl_verify_client is on; its error log gives the reason ' +
  '("client SSL certificate verify error: ..."). ';

/** The catalogue text of client-cert-rejected-http (./rules/http.ts). */
export const HTTP_REJECTION_TEXT = {
  rfc: 'RFC 9110 §15.5.1 (400 Bad Request); nginx ssl_verify_client',
  explanation:
    'nginx with ssl_verify_client on completes the TLS handshake whatever the client sends, verifies the certificate afterwards and answers a failure ' +
    'inside TLS with 400 Bad Request — "The SSL certificate error" when verification failed (unknown CA, expired, wrong usage, chain too deep), ' +
    '"No required SSL certificate was sent" when there was none — and no TLS alert, so the handshake alone looks successful. ' +
    'A 400 whose page does not name the certificate, right after a certificate the server\'s CA list does not cover (or none), is the same rejection, inferred.',
  fix:
    `${NGINX_FIX}Give the client a certificate issued by a CA in that bundle (the CAs of the CertificateRequest), or add the client's issuing CA (and intermediates) to ssl_client_certificate ` +
    'and raise ssl_verify_depth for longer chains; if the certificate should be accepted as it is, check its validity dates and extendedKeyUsage (clientAuth). ' +
    'Without a certificate: configure the client\'s certificate and key (curl --cert client.pem --key client.key; openssl s_client -cert/-key); ' +
    'ssl_verify_client optional lets requests without a certificate through (check $ssl_client_verify in the application).',
};

function quoted(e: EventModel): string {
  const a = e.application!;
  if (a.firstLine !== undefined) return `"${a.firstLine}"`;
  return `HTTP/2 :status ${a.status}`;
}

/** The reason text of an error page: its <title> without the leading status number. */
function reasonOf(title: string | undefined): string | undefined {
  if (!title) return undefined;
  const r = title.replace(/^\d{3}\s+/, '').trim();
  return r && r !== 'Bad Request' ? r : undefined;
}

/** The certificate's validity window against the connection's time, when it excludes it. */
function validity(notBefore: string, notAfter: string, at: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  if (Date.parse(notAfter) < t) return `; it expired on ${notAfter}, before this connection`;
  if (Date.parse(notBefore) > t) return `; it is valid only from ${notBefore}, after this connection`;
  return '';
}

/** The server's first HTTP response, and the title of its error page (same or next record). */
function firstResponse(ev: EventModel[]): { resp: EventModel; title?: string } | null {
  const server = ev.filter((e) => e.application && e.direction === 'server->client');
  const i = server.findIndex((e) => e.application!.status !== undefined);
  if (i < 0) return null;
  const title = server[i].application!.title ?? (server[i].application!.protocol === 'http2' ? server[i + 1]?.application?.title : undefined);
  return { resp: server[i], title };
}

/** The server's first decrypted HTTP response rejects the client certificate: proven (495/496, a
 * 400 whose page names the SSL certificate) or likely (a bare 400 after an unlisted or no
 * certificate). Null when there is no such response. Used by the acceptance rule too: a server
 * that answers with this did not accept the certificate, whatever else it sent. */
export function httpRejection(m: ConnectionModel): { resp: EventModel; title?: string; status: number; proven: boolean } | null {
  const ev = m.events;
  if (!ev.some((e) => e.type === 'CertificateRequest' && e.direction === 'server->client')) return null;
  const found = firstResponse(ev);
  if (!found) return null;
  const { resp, title } = found;
  const status = resp.application!.status!;
  const cc = m.clientCertificate;
  const leaf = cc.status === 'sent' ? cc.chain?.[0] : undefined;
  const accepted = cc.acceptedAuthorities ?? [];
  const listed = new Set(accepted.map(dnKeyOfString));
  const issuerListed = leaf && accepted.length > 0 ? (cc.chain ?? []).some((c) => listed.has(dnKeyOfString(c.issuer)) || listed.has(dnKeyOfString(c.subject))) : undefined;
  const noCert = cc.status === 'empty' || cc.status === 'not-sent';
  const proven = CERT_STATUS.has(status) || (status === 400 && title !== undefined && CERT_TEXT.test(title));
  const likely = status === 400 && (issuerListed === false || noCert);
  return proven || likely ? { resp, title, status, proven } : null;
}

/** What the HTTP-level rejection rule (./rules/http.ts) says about a connection, or null when it does not apply. */
export function httpRejectionFinding(m: ConnectionModel): {
  summary: string; evidenceFrames: number[]; evidence: string[]; proven: boolean;
} | null {
  const ev = m.events;
  const cr = ev.find((e) => e.type === 'CertificateRequest' && e.direction === 'server->client');
  if (!cr) return null;
  const rejection = httpRejection(m);
  if (!rejection) return null;
  const { resp, title, proven } = rejection;
  const cc = m.clientCertificate;
  const certEv = ev.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
  const leaf = cc.status === 'sent' ? cc.chain?.[0] : undefined;
  const accepted = cc.acceptedAuthorities ?? [];
  const listed = new Set(accepted.map(dnKeyOfString));
  const issuerListed = leaf && accepted.length > 0 ? (cc.chain ?? []).some((c) => listed.has(dnKeyOfString(c.issuer)) || listed.has(dnKeyOfString(c.subject))) : undefined;

  const reason = reasonOf(title);
  const answer = `${quoted(resp)}${reason ? ` ("${reason}")` : ''} in frame ${resp.frame} (decrypted)`;
  const certFact = leaf
    ? `the client sent ${leaf.subject}, issued by ${leaf.issuer}` +
      (issuerListed === false ? `, which is not among the CAs the server accepts (${accepted.join('; ')})` : issuerListed ? ', an issuer the server lists' : '') +
      validity(leaf.notBefore, leaf.notAfter, m.startTime)
    : cc.status === 'empty'
      ? 'the client answered the CertificateRequest with an EMPTY Certificate message (no client certificate)'
      : 'the client sent no certificate';
  const evidence = [
    `CertificateRequest from the server in frame ${cr.frame}${accepted.length > 0 ? ` (accepts: ${accepted.join('; ')})` : ''}`,
    certEv ? `client Certificate in frame ${certEv.frame}: ${leaf ? `${leaf.subject} issued by ${leaf.issuer}` : 'EMPTY'}` : 'no client Certificate message',
    `the server's first HTTP response, decrypted: ${quoted(resp)} in frame ${resp.frame}${title ? `, page title "${title}"` : ''}`,
    'no TLS alert before it',
  ];
  if (!proven) evidence.push('The page does not name the certificate; the 400 right after this certificate exchange is the evidence.');
  return {
    summary:
      `${proven ? '' : 'INFERRED: '}` +
      (leaf ? 'The server rejected the client certificate at the HTTP level' : 'The server refused the request at the HTTP level because no client certificate was sent') +
      `: it answered ${answer} after ${certFact}.`,
    evidenceFrames: [certEv?.frame, resp.frame].filter((x): x is number => x !== undefined),
    evidence,
    proven,
  };
}
