/** Display names from the TLS registries, and per-alert explanations/fixes for diagnosis. */
import { AlertDescription as AD, alertInfo, alertLevelName as levelName, alertName, cipherSuiteName, versionName } from '../tls/registry/index.js';
import { FIX } from './fixes.js';

export function alertDescriptionName(code: number): string {
  return alertName(code);
}

export function alertLevelName(level: number): 'warning' | 'fatal' | 'unknown' {
  return levelName(level);
}

export function cipherSuiteDisplayName(code: number): string {
  return cipherSuiteName(code);
}

export function versionDisplayName(v: number): string {
  return versionName(v);
}

const ALERT_FIX: Record<number, string> = {
  [AD.handshake_failure]: 'Compare the ClientHello offer (versions, cipher suites, groups, signature algorithms) with what the server allows; in TLS 1.2 a missing required client certificate also ends this way.',
  [AD.bad_certificate]: FIX.unknownCa,
  [AD.unsupported_certificate]: FIX.badUsage,
  [AD.certificate_revoked]: 'The certificate was revoked by its issuer: issue a new one.',
  [AD.certificate_expired]: FIX.expired,
  [AD.certificate_unknown]: FIX.unknownCa,
  [AD.unknown_ca]: FIX.unknownCa,
  [AD.access_denied]: FIX.unknownCa,
  [AD.decrypt_error]: FIX.keyMismatch,
  [AD.protocol_version]: 'Enable a protocol version both sides support (e.g. TLS 1.2 and 1.3 on both).',
  [AD.insufficient_security]: 'The server demands stronger parameters than the client offered: enable modern cipher suites/groups on the client.',
  [AD.missing_extension]: 'The peer requires a TLS extension the other side did not send (e.g. supported_versions, key_share, SNI).',
  [AD.unrecognized_name]: 'Send the server name (SNI) the server is configured for: openssl s_client -servername NAME; curl uses the URL host.',
  [AD.certificate_required]: FIX.emptyCert,
  [AD.no_application_protocol]: 'Offer an ALPN protocol the server supports (e.g. h2 or http/1.1).',
};

/** Plain-words meaning with its RFC section, and a fix, for any alert code. */
export function alertMeaning(code: number): { text: string; fix?: string } {
  const info = alertInfo(code);
  if (!info) return { text: `Alert ${code} is not in the IANA TLS Alerts registry.` };
  return { text: `${info.name}: ${info.meaning} (${info.reference})`, fix: ALERT_FIX[code] };
}
