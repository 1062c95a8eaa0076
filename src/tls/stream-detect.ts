/**
 * Deciding by content (never by port) whether a direction of a TCP stream carries TLS, and where
 * TLS starts when it follows a plaintext prefix (STARTTLS in SMTP, IMAP, POP3, XMPP, FTP AUTH TLS,
 * LDAP, PostgreSQL ...).
 */
import {
  CONTENT_HANDSHAKE,
  looksLikeSslv2ClientHello,
  looksLikeSslv2ServerHello,
  looksLikeTlsRecord,
  MAX_RECORD_LENGTH,
} from './record-reader.js';

/** How many plaintext bytes per direction we search for a STARTTLS switch before giving up. */
export const STARTTLS_SCAN_LIMIT = 256 * 1024;

/** The stream starts with TLS (a plausible record header or an SSLv2-format ClientHello). Needs
 * at least 5 bytes; for TLS 1.x handshake records also checks the handshake type byte when present. */
export function startsWithTls(b: Uint8Array): boolean {
  if (b.length < 5) return false;
  if (looksLikeSslv2ClientHello(b) || looksLikeSslv2ServerHello(b)) return true;
  if (!looksLikeTlsRecord(b, 0)) return false;
  if (b[0] === CONTENT_HANDSHAKE && b.length >= 6) {
    const t = b[5];
    // ClientHello, ServerHello, or (mid-connection capture) other handshake types; reject 0xff etc.
    return t <= 25 || t === 254;
  }
  return true;
}

/**
 * Offset in `b` (from `from`) of a handshake record starting a ClientHello (wantType 1) or a
 * ServerHello (2) whose handshake length fits the record, else -1. Used after a plaintext prefix.
 */
export function findHelloRecord(b: Uint8Array, from: number, wantType: 1 | 2): number {
  const last = b.length - 9;
  for (let i = from; i <= last; i++) {
    if (b[i] !== CONTENT_HANDSHAKE || b[i + 1] !== 3 || b[i + 2] > 4) continue;
    if (b[i + 5] !== wantType) continue;
    const recLen = (b[i + 3] << 8) | b[i + 4];
    if (recLen < 4 || recLen > MAX_RECORD_LENGTH) continue;
    const hsLen = (b[i + 6] << 16) | (b[i + 7] << 8) | b[i + 8];
    // the message may continue in the next record, but it cannot be absurdly large
    if (hsLen < 34 || hsLen > 1 << 17) continue;
    // the ClientHello/ServerHello version must be 3.x
    if (b.length > i + 9 && b[i + 9] !== 3) continue;
    return i;
  }
  return -1;
}
