/**
 * Protocol version numbers -> display names ("TLS 1.3", "SSL 3.0", "DTLS 1.2", draft and GREASE
 * values). Sources: RFC 6101 (SSL 3.0 = 0x0300), RFC 2246/4346/5246/8446 (0x0301-0x0304),
 * RFC 4347/6347/9147 (DTLS 0xFEFF/0xFEFD/0xFEFC, one's complement), RFC 8446 drafts (0x7F00 + n),
 * RFC 8701 (GREASE), the SSL 2.0 spec (0x0002).
 */
import { greaseName, hex16, isGrease } from './grease.js';

const NAMES: Record<number, string> = {
  0x0002: 'SSL 2.0',
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
  0xfeff: 'DTLS 1.0',
  0xfefd: 'DTLS 1.2',
  0xfefc: 'DTLS 1.3',
  0x0100: 'DTLS 1.0 (OpenSSL pre 0.9.8f)',
};

export const ProtocolVersion = {
  SSL2: 0x0002,
  SSL3: 0x0300,
  TLS10: 0x0301,
  TLS11: 0x0302,
  TLS12: 0x0303,
  TLS13: 0x0304,
  DTLS10: 0xfeff,
  DTLS12: 0xfefd,
  DTLS13: 0xfefc,
} as const;

/** "TLS 1.3", "TLS 1.3 (draft 23)", "GREASE (0x?a?a)", or `0xXXXX`. */
export function versionName(version: number): string {
  const name = NAMES[version];
  if (name !== undefined) return name;
  if (version >> 8 === 0x7f) return `TLS 1.3 (draft ${version & 0xff})`;
  if (version === 0xfb17 || version === 0xfb1a) return `TLS 1.3 (Facebook draft ${version & 0xff})`;
  if (isGrease(version)) return greaseName(version);
  return hex16(version);
}

/** True for 0x0304 and the TLS 1.3 draft versions (0x7Fxx and Facebook's 0xFB17/0xFB1A). */
export function isTls13Version(version: number): boolean {
  return version === 0x0304 || version >> 8 === 0x7f || version === 0xfb17 || version === 0xfb1a;
}
