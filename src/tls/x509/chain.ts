/**
 * Offline certificate path validation for diagnosis: builds the path from the leaf through the
 * certificates the peer sent to a trust anchor (the --ca bundles), checks signatures with
 * node:crypto, validity at the capture time, CA flags and path length, and says precisely which
 * link is missing or wrong. It is an explanation aid, not a full RFC 5280 validator (no revocation,
 * name constraints or policies).
 */
import { isSignedBy, x509ErrorOf } from './node-x509.js';
import { isoDate } from './certificate.js';
import type { CertInfo, ChainProblem, ChainProblemCode, ChainVerification } from './types.js';

/** Longest path considered; real chains are 2–5 certificates. */
export const MAX_PATH_LENGTH = 16;

/** Largest |epoch ms| a Date can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

interface PathNode {
  cert: CertInfo;
  /** Index in the sent chain, or -1 for a trust anchor that was not sent. */
  index: number;
}

interface Candidate extends PathNode {
  trusted: boolean;
}

function label(node: PathNode): string {
  return node.index >= 0 ? `certificate #${node.index} (${node.cert.subject})` : `trusted CA (${node.cert.subject})`;
}

function keyIdsConflict(child: CertInfo, issuer: CertInfo): boolean {
  const aki = child.authorityKeyIdentifier;
  const ski = issuer.subjectKeyIdentifier;
  return aki !== undefined && ski !== undefined && aki !== ski;
}

class PathBuilder {
  readonly problems: ChainProblem[] = [];
  readonly path: string[] = [];
  private readonly used = new Set<string>();
  private readonly trustedSha = new Set<string>();
  private readonly trustedBySubject = new Map<string, CertInfo[]>();

  constructor(
    private readonly chain: readonly CertInfo[],
    private readonly trusted: readonly CertInfo[],
    private readonly atTimeMs: number,
  ) {
    for (const t of trusted) {
      if (t.error !== undefined) continue;
      this.trustedSha.add(t.sha256);
      const list = this.trustedBySubject.get(t.subjectKey);
      if (list === undefined) this.trustedBySubject.set(t.subjectKey, [t]);
      else list.push(t);
    }
  }

  problem(code: ChainProblemCode, node: PathNode, message: string): void {
    this.problems.push({ code, certIndex: node.index, message });
  }

  checkValidity(node: PathNode): void {
    // Without a usable time (NaN, or beyond what Date represents) validity cannot be judged.
    if (!Number.isFinite(this.atTimeMs) || Math.abs(this.atTimeMs) > MAX_DATE_MS) return;
    const { notBeforeMs, notAfterMs } = node.cert;
    const at = isoDate(this.atTimeMs);
    if (notBeforeMs !== undefined && this.atTimeMs < notBeforeMs) {
      this.problem('not-yet-valid', node, `${label(node)} is not valid before ${isoDate(notBeforeMs)} (checked at ${at})`);
    }
    if (notAfterMs !== undefined && this.atTimeMs > notAfterMs) {
      this.problem('expired', node, `${label(node)} expired at ${isoDate(notAfterMs)} (checked at ${at})`);
    }
  }

  /** Issuer candidates by name: trust anchors first, then unused certificates of the sent chain. */
  candidates(child: CertInfo): Candidate[] {
    const out: Candidate[] = [];
    for (const t of this.trustedBySubject.get(child.issuerKey) ?? []) {
      if (this.used.has(t.sha256)) continue;
      const index = this.chain.findIndex((c) => c.sha256 === t.sha256);
      out.push({ cert: t, index, trusted: true });
    }
    this.chain.forEach((c, index) => {
      if (c.subjectKey === child.issuerKey && !this.used.has(c.sha256) && !this.trustedSha.has(c.sha256)) {
        out.push({ cert: c, index, trusted: false });
      }
    });
    return out;
  }

  /** CA checks on the certificate that signed the previous one; `below` = CAs between it and the leaf. */
  checkIssuerIsCa(node: Candidate, below: number): void {
    const { basicConstraints: bc, keyUsagePresent, keyUsage } = node.cert;
    // A trust anchor without basicConstraints (an old v1 root) is accepted as configured.
    if (bc === undefined ? !node.trusted : !bc.ca) {
      this.problem('not-a-ca', node, `${label(node)} signed the certificate below it but is not a CA (no basicConstraints CA:TRUE)`);
    } else if (keyUsagePresent && !keyUsage.includes('keyCertSign')) {
      this.problem('not-a-ca', node, `${label(node)} has a keyUsage without keyCertSign, so it may not sign certificates`);
    }
    if (bc?.pathLen !== undefined && below > bc.pathLen) {
      this.problem(
        'not-a-ca',
        node,
        `${label(node)} allows ${bc.pathLen} intermediate CA certificate(s) below it (pathlen:${bc.pathLen}) but the path has ${below}`,
      );
    }
  }

  describeMissing(cur: PathNode): string {
    const anchors = this.trusted.filter((t) => t.error === undefined).map((t) => t.subject);
    const others = this.chain.filter((c) => !this.used.has(c.sha256)).map((c) => c.subject);
    let msg =
      `${label(cur)} was issued by ${cur.cert.issuer}, which is neither in the sent chain nor among the ` +
      `trusted CAs (${anchors.join('; ')})`;
    if (others.length > 0) msg += `; the chain's other certificates are ${others.join('; ')}`;
    return `${msg}. If ${cur.cert.issuer} is an intermediate CA under a trusted root, the peer must send it; otherwise its root must be trusted`;
  }

  /** Builds the path; returns the issuer DN that would have to be trusted, or undefined when anchored. */
  build(): string | undefined {
    let cur: PathNode = { cert: this.chain[0]!, index: 0 };
    for (;;) {
      this.path.push(cur.cert.subject);
      this.used.add(cur.cert.sha256);
      if (cur.cert.error !== undefined && cur.cert.subjectKey.startsWith('unparseable')) {
        this.problem('signature', cur, `${label(cur)} could not be parsed (${cur.cert.error}), so the path cannot be checked`);
        return undefined;
      }
      this.checkValidity(cur);
      if (this.trustedSha.has(cur.cert.sha256)) return undefined;
      if (this.path.length >= MAX_PATH_LENGTH) {
        this.problem('missing-intermediate', cur, `path is longer than ${MAX_PATH_LENGTH} certificates; stopped at ${label(cur)}`);
        return cur.cert.issuer;
      }

      const candidates = this.candidates(cur.cert);
      const matching = candidates.filter((c) => !keyIdsConflict(cur.cert, c.cert));
      const issuer = matching.find((c) => isSignedBy(cur.cert, c.cert));
      if (issuer !== undefined) {
        this.checkIssuerIsCa(issuer, this.path.length - 1);
        cur = issuer;
        continue;
      }
      return this.explainDeadEnd(cur, candidates, matching);
    }
  }

  explainDeadEnd(cur: PathNode, candidates: Candidate[], matching: Candidate[]): string | undefined {
    const issuerName = cur.cert.issuer;
    if (cur.cert.selfSigned) {
      const twin = candidates.some((c) => c.trusted)
        ? '; a trusted CA has the same name but a different key (e.g. a regenerated CA)'
        : '';
      this.problem('untrusted-root', cur, `${label(cur)} is a self-signed root that is not among the trusted CAs${twin}`);
      return cur.cert.subject;
    }
    if (matching.length > 0) {
      const where = matching.map((c) => (c.trusted ? 'trusted CAs' : `sent chain #${c.index}`)).join(', ');
      const unloadable = [cur, ...matching].find((n) => x509ErrorOf(n.cert) !== undefined);
      const why =
        unloadable !== undefined
          ? `${label(unloadable)} cannot be checked: ${x509ErrorOf(unloadable.cert)}`
          : 'it was signed by another key with the same CA name';
      this.problem('signature', cur, `signature of ${label(cur)} does not verify with the key of ${issuerName} (from ${where}): ${why}`);
      return issuerName;
    }
    if (candidates.length > 0) {
      const c = candidates[0]!;
      this.problem(
        'issuer-mismatch',
        cur,
        `${label(cur)} was issued by ${issuerName} with key id ${cur.cert.authorityKeyIdentifier}, but the ` +
          `${issuerName} in the ${c.trusted ? 'trusted CAs' : `sent chain (#${c.index})`} has key id ` +
          `${c.cert.subjectKeyIdentifier}: a different CA with the same name (e.g. a regenerated CA)`,
      );
      return issuerName;
    }
    if (cur.cert.subjectKey === cur.cert.issuerKey) {
      this.problem('signature', cur, `${label(cur)} names itself as issuer but its signature does not verify with its own key`);
      return cur.cert.subject;
    }
    if (this.trustedSha.size === 0) {
      this.problem(
        'untrusted-root',
        cur,
        `no trusted CA certificates were given, so the path ending at ${label(cur)} (issued by ${issuerName}) cannot be anchored`,
      );
      return issuerName;
    }
    this.problem('missing-intermediate', cur, this.describeMissing(cur));
    return issuerName;
  }
}

/**
 * Verifies a certificate chain (leaf first, as sent) against trust anchors at a given time (the
 * capture timestamp, not now; validity is not checked when it is NaN). `ok` means a path to a trust
 * anchor was found with no problem.
 */
export function verifyChain(
  chain: readonly CertInfo[],
  trusted: readonly CertInfo[],
  atTimeMs: number,
): ChainVerification {
  if (chain.length === 0) {
    return {
      ok: false,
      problems: [{ code: 'untrusted-root', certIndex: -1, message: 'no certificate to verify (empty chain)' }],
      path: [],
    };
  }
  const builder = new PathBuilder(chain, trusted, atTimeMs);
  const neededCa = builder.build();
  const result: ChainVerification = {
    ok: neededCa === undefined && builder.problems.length === 0,
    problems: builder.problems,
    path: builder.path,
  };
  if (neededCa !== undefined) result.neededCa = neededCa;
  return result;
}
