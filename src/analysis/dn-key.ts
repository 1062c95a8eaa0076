/**
 * Comparison keys for RFC 4514 names (issuer vs the CAs a CertificateRequest lists), without the
 * X.509 parser: certificates.ts records the normalized key of every name it parses from DER here,
 * so the reports (src/report/html-parts.ts) and the diagnoses compare names the same way.
 */

const dnCache = new Map<string, string>();
const MAX_DN_CACHE = 10_000;

/** Called by the certificate layer for each parsed name (bounded). */
export function rememberDnKey(rfc4514: string, normalized: string): void {
  if (dnCache.size < MAX_DN_CACHE) dnCache.set(rfc4514, normalized);
}

/**
 * Comparison key for an RFC 4514 string produced by the x509 layer: the normalized key recorded
 * when the DER was parsed, else a string-level normalisation (case and spaces folded, members of
 * multi-valued RDNs sorted).
 */
export function dnKeyOfString(s: string): string {
  const known = dnCache.get(s);
  if (known !== undefined) return known;
  const rdns: string[] = [];
  let cur = '';
  const members: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === '+') {
      members.push(cur);
      cur = '';
    } else if (c === ',') {
      members.push(cur);
      rdns.push(members.map(norm).sort().join('+'));
      members.length = 0;
      cur = '';
    } else cur += c;
  }
  members.push(cur);
  rdns.push(members.map(norm).sort().join('+'));
  return rdns.join(',');
}

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}
