/**
 * Why the server rejected the client's certificate, when its alert does not say: rank the
 * candidate causes by what the capture proves, not by the alert alone. GnuTLS answers every
 * certificate failure (untrusted, expired, not yet valid) with access_denied + bad_certificate
 * (FIELD-NOTES), other stacks use bad_certificate or certificate_unknown just as broadly.
 *
 * Facts checked, each from the bytes: the certificate's validity window against the packet time,
 * its clientAuth EKU / digitalSignature key usage, its issuer against the CertificateRequest CA
 * list (and the --ca bundle when given), and the client's CertificateVerify signature against
 * the certificate's public key and the transcript (src/tls/transcript.ts). A failed signature
 * proves a key mismatch; a valid one rules it out. Alerts that name a cause (unknown_ca,
 * certificate_expired, unsupported_certificate, decrypt_error) keep naming it; the ambiguous ones
 * (bad_certificate, certificate_unknown, access_denied) go to the strongest proven cause, the
 * other proven causes are added as warnings, and every diagnosis lists what was checked.
 */
import type { CertificateModel, CertificateVerifyModel, DiagnosisModel, EventModel } from './model.js';
import type { ChainCheck } from './chain-check.js';
import { alertMeaning } from './names.js';
import type { DiagnosisCode } from './diagnosis-codes.js';
import { AlertDescription as AD } from '../tls/registry/index.js';

export interface CauseInput {
  leaf: CertificateModel;
  /** The server's fatal alerts after the client's Certificate, in order (at least one). */
  alerts: EventModel[];
  /** Time of the packet that carried the client Certificate (ISO). */
  at: string;
  /** Issuer (or a chain member) among the CertificateRequest CAs; undefined when no list was sent. */
  issuerListed: boolean | undefined;
  accepted: string[];
  usage: string[];
  chain: ChainCheck;
  /** Set when --ca bundles were given. */
  caGiven: boolean;
  cv?: CertificateVerifyModel;
  /** TLS 1.3 without keys hides the CertificateVerify. */
  cvHidden: boolean;
  frames: { request?: number; certificate: number; verify?: number };
}

export type Cause = 'key-mismatch' | 'wrong-ca' | 'expired' | 'not-yet-valid' | 'bad-usage' | 'unknown-ca';

/** Alerts that say which check failed. */
const NAMED: Record<number, Cause> = {
  [AD.decrypt_error]: 'key-mismatch',
  [AD.certificate_expired]: 'expired',
  [AD.unsupported_certificate]: 'bad-usage',
  [AD.unknown_ca]: 'unknown-ca',
};
/** Alerts any certificate failure may produce. */
const AMBIGUOUS = new Set<number>([AD.bad_certificate, AD.certificate_unknown, AD.access_denied]);

export interface RankedCauses {
  diagnoses: DiagnosisModel[];
  /** Alerts the diagnoses account for. */
  explained: EventModel[];
}

export function validityOf(cert: CertificateModel, atIso: string): 'expired' | 'not-yet-valid' | null {
  const t = Date.parse(atIso);
  if (Number.isNaN(t)) return null;
  if (Date.parse(cert.notAfter) < t) return 'expired';
  if (Date.parse(cert.notBefore) > t) return 'not-yet-valid';
  return null;
}

/** The causes of a rejection alert, ranked: the primary one (an error) and the other proven ones
 * (warnings, in the order key mismatch, CA, validity), with the facts checked. */
export interface Ranking {
  input: CauseInput;
  primary: Cause;
  /** Other proven causes, not of the primary's family; bad usage and --ca chain problems have their own rules. */
  also: Cause[];
  /** Alerts the diagnoses account for. */
  explained: EventModel[];
  checked: string[];
}

/** The ranking for a rejection alert, or null when the alert is not about the certificate or names
 * a cause the capture does not bear out (the generic alert diagnosis then stands). */
export function rankCauses(x: CauseInput): Ranking | null {
  const a = x.alerts[0];
  const code = a.code ?? -1;
  const validity = validityOf(x.leaf, x.at);
  const sigInvalid = x.cv?.checked === true && x.cv.valid === false;
  const proven: Cause[] = [];
  if (sigInvalid) proven.push('key-mismatch');
  if (x.issuerListed === false || x.chain.trustProblem === 'untrusted') proven.push('wrong-ca');
  if (validity) proven.push(validity);
  if (x.usage.length > 0) proven.push('bad-usage');

  let primary: Cause | undefined;
  const named = NAMED[code];
  if (named === 'expired') primary = validity ?? undefined;
  else if (named === 'bad-usage') primary = x.usage.length > 0 ? 'bad-usage' : undefined;
  else if (named === 'key-mismatch') primary = x.frames.verify !== undefined ? named : undefined; // else a Finished failure
  else if (named) primary = named;
  else if (AMBIGUOUS.has(code)) primary = proven[0] ?? 'unknown-ca';
  if (primary === undefined) return null;

  // GnuTLS's access_denied + bad_certificate pair (and any repeat) is one rejection
  const explained = [a, ...x.alerts.slice(1).filter((e) => AMBIGUOUS.has(e.code ?? -1))];
  const family = (c: Cause) => (c === 'unknown-ca' ? 'wrong-ca' : c);
  const p = primary;
  const also = proven.filter((c) => family(c) !== family(p) && c !== 'bad-usage');
  return { input: x, primary, also, explained, checked: checkedFacts(x, validity) };
}

/** The ranked diagnoses for a rejection alert (the primary cause, then the other proven ones), or null (see rankCauses). */
export function rankClientCertCauses(x: CauseInput): RankedCauses | null {
  const r = rankCauses(x);
  if (!r) return null;
  const diagnoses = [causeDiagnosis(r.primary, r, 'error'), ...r.also.map((c) => causeDiagnosis(c, r, 'warning'))];
  return { diagnoses, explained: r.explained };
}

/** The diagnosis code of a cause: an unknown_ca-ish rejection of an issuer the server did not list is wrong-ca. */
export function causeCode(c: Cause, r: Ranking): DiagnosisCode {
  return causeCodeOf(c, r.input, r.explained[0]);
}

function causeCodeOf(c: Cause, x: CauseInput, a: EventModel): DiagnosisCode {
  switch (c) {
    case 'key-mismatch':
      return 'client-cert-key-mismatch';
    case 'expired':
      return 'client-cert-expired';
    case 'not-yet-valid':
      return 'client-cert-not-yet-valid';
    case 'bad-usage':
      return 'client-cert-bad-usage';
    default:
      return c === 'wrong-ca' || (x.issuerListed === false && a.code !== AD.unknown_ca) ? 'client-cert-wrong-ca' : 'client-cert-unknown-ca';
  }
}

/** The diagnosis for one cause of a ranking. */
export function causeDiagnosis(c: Cause, r: Ranking, severity: 'error' | 'warning'): DiagnosisModel {
  return diagnosis(c, r.input, severity, r.checked, r.explained);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function who(e: EventModel): string {
  return e.direction === 'client->server' ? 'client' : 'server';
}

function alertText(alerts: EventModel[]): string {
  const names = alerts.map((e) => `${e.description} (${e.code}) in frame ${e.frame}${e.visibility === 'decrypted' ? ' (decrypted)' : ''}`);
  return `the ${who(alerts[0])} sent alert ${names.join(' then ')} about the client's certificate`;
}

/** "checked: ..." — every fact the ranking looked at, with its value. */
function checkedFacts(x: CauseInput, validity: 'expired' | 'not-yet-valid' | null): string[] {
  const l = x.leaf;
  const out = [
    `validity window at the packet time (${x.at}): ${
      validity === 'expired' ? `expired ${l.notAfter}` : validity === 'not-yet-valid' ? `not valid before ${l.notBefore}` : `valid (${l.notBefore} .. ${l.notAfter})`
    }`,
    `issuer listed in CertificateRequest: ${x.issuerListed === undefined ? 'no CA list sent' : x.issuerListed ? 'yes' : `no (${l.issuer} not in ${x.accepted.join('; ')})`}`,
  ];
  if (x.caGiven && x.chain.verified !== undefined) {
    const why = x.chain.trustProblem === undefined ? ' (dates only)' : x.chain.trustProblem === 'untrusted' ? ' (no path to a --ca CA)' : x.chain.trustProblem === 'missing-intermediate' ? ' (its issuer is neither sent nor among the --ca CAs)' : '';
    out.push(`chain against --ca: ${x.chain.verified ? 'verifies' : `does not verify${why}`}`);
  }
  const eku = l.extendedKeyUsage;
  const ekuText = !eku || eku.length === 0 ? 'no EKU extension (any use)' : eku.includes('clientAuth') || eku.includes('anyExtendedKeyUsage') ? 'yes' : `no (${eku.join(', ')})`;
  out.push(`clientAuth EKU: ${ekuText}`);
  const ku = x.usage.find((u) => u.startsWith('keyUsage'));
  if (ku) out.push(`digitalSignature key usage: no`);
  const cv = x.cv;
  out.push(
    `CertificateVerify signature: ${
      cv === undefined
        ? x.cvHidden ? 'not visible (encrypted, no keys)' : 'no CertificateVerify seen'
        : !cv.checked ? `not checked (${cv.reason ?? 'unknown reason'})`
        : cv.valid ? `valid (${cv.scheme})` : `INVALID (${cv.scheme}: ${cv.reason ?? 'does not verify'})`
    }`,
  );
  return out;
}

function diagnosis(c: Cause, x: CauseInput, severity: 'error' | 'warning', checked: string[], alerts: EventModel[]): DiagnosisModel {
  const l = x.leaf;
  const a = alerts[0];
  const also = severity === 'warning' ? 'Also: ' : '';
  const said = AMBIGUOUS.has(a.code ?? -1)
    ? `${capital(alertText(alerts))}; this alert does not name the cause (RFC 8446 §6.2: GnuTLS sends access_denied then bad_certificate for every client-certificate failure, and bad_certificate / certificate_unknown are as broad), so the cause comes from the checked facts.`
    : `${capital(alertText(alerts))} (${alertMeaning(a.code ?? 0).text}).`;
  const facts = checked.map((f) => `checked: ${f}`);
  const frames = (...f: Array<number | undefined>) => [...f, ...alerts.map((e) => e.frame)].filter((n): n is number => n !== undefined);
  const sigFrames = frames(x.frames.certificate, x.frames.verify);
  const code = causeCodeOf(c, x, a);
  switch (c) {
    case 'key-mismatch': {
      const cv = x.cv;
      const proven = cv?.checked === true && cv.valid === false;
      const ruledOut = cv?.checked === true && cv.valid === true;
      return {
        code,
        severity,
        summary: proven
          ? `${also}The client's CertificateVerify signature does not verify with the public key of its certificate ${l.subject}: the client signed with a private key that does not belong to it.`
          : `The server could not verify the client's CertificateVerify signature: ${alertText(alerts).replace(" about the client's certificate", '')}.`,
        evidence: [
          ...(proven
            ? [`Checked here: ${cv.reason ?? 'the signature does not verify'} (${cv.scheme}), so the key does not match the certificate whatever the alert says.`, said]
            : ruledOut
              ? [`decrypt_error usually means a key that does not match the certificate, but the signature verifies here with the certificate's key (${cv.scheme}): the key matches, so the server refused the signature scheme or saw a different handshake (RFC 8446 §6.2).`]
              : []),
          ...facts,
        ],
        evidenceFrames: sigFrames,
      };
    }
    case 'expired':
    case 'not-yet-valid':
      return {
        code,
        severity,
        summary:
          c === 'expired'
            ? `${also}The client certificate ${l.subject} expired on ${l.notAfter}, before this connection (${x.at}).`
            : `${also}The client certificate ${l.subject} is valid only from ${l.notBefore}, after this connection (${x.at}).`,
        evidence: [said, ...facts],
        evidenceFrames: frames(x.frames.certificate),
      };
    case 'bad-usage':
      return {
        code,
        severity,
        summary: `${also}The server refused the client certificate ${l.subject} for client authentication: ${x.usage.join('; ')}.`,
        evidence: [said, ...facts],
        evidenceFrames: frames(x.frames.certificate),
      };
    default: {
      const wrong = code === 'client-cert-wrong-ca';
      const caNote =
        x.issuerListed === false
          ? `Its issuer ${l.issuer} is not among the CAs the server listed in its CertificateRequest (${x.accepted.join('; ')}).`
          : '';
      return {
        code,
        severity,
        summary: `${also}The server rejected the client's certificate (${l.subject}, issued by ${l.issuer}): ${a.description}.`,
        evidence: [
          a.code === AD.unknown_ca
            ? `${capital(alertText(alerts))}: the server could not build a path from the client's certificate to a CA it trusts (RFC 8446 §6.2 / RFC 5246 §7.2.2 unknown_ca). It is the server rejecting the client, not a local failure.`
            : said,
          ...(a.code !== AD.unknown_ca && !wrong
            ? ['Nothing in the capture explains it otherwise: the server does not trust this certificate (its CA bundle, a revoked or different CA with the same name, or a missing intermediate).']
            : []),
          ...(caNote ? [caNote] : []),
          ...(x.chain.text ? [x.chain.text.trim()] : []),
          ...facts,
        ],
        evidenceFrames: frames(x.frames.request, x.frames.certificate),
      };
    }
  }
}
