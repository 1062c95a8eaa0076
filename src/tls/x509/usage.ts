/**
 * Key usage checks for an end-entity certificate used in TLS (RFC 5280 §4.2.1.3, §4.2.1.12):
 * the reasons a strict peer rejects an otherwise trusted certificate (OpenSSL: unsupported_certificate).
 */
import type { CertInfo } from './types.js';

export type CertificateRole = 'client' | 'server';

/** Plain-language problems with using `cert` as a TLS client or server certificate; [] if none. */
export function usageProblems(cert: CertInfo, role: CertificateRole): string[] {
  const problems: string[] = [];
  if (cert.error !== undefined) problems.push(`certificate could not be fully parsed: ${cert.error}`);

  const purpose = role === 'client' ? 'clientAuth' : 'serverAuth';
  const eku = cert.extendedKeyUsage;
  if (cert.extendedKeyUsagePresent && !eku.includes(purpose) && !eku.includes('anyExtendedKeyUsage')) {
    const has = eku.length > 0 ? eku.join(', ') : 'nothing';
    problems.push(
      `extendedKeyUsage does not allow TLS ${role} authentication: ${purpose} is missing (it allows ${has})`,
    );
  }

  if (cert.keyUsagePresent && !cert.keyUsage.includes('digitalSignature')) {
    const has = cert.keyUsage.length > 0 ? cert.keyUsage.join(', ') : 'nothing';
    let msg = `keyUsage lacks digitalSignature (it allows ${has}), so the key may not sign the handshake`;
    if (role === 'server' && cert.keyUsage.includes('keyEncipherment') && cert.publicKey?.startsWith('RSA')) {
      msg += '; only TLS 1.2 RSA key exchange (no forward secrecy) can use it';
    }
    problems.push(msg);
  }

  if (cert.basicConstraints?.ca === true) {
    problems.push(`a CA certificate (basicConstraints CA:TRUE) is used as the ${role} certificate`);
  }
  return problems;
}
