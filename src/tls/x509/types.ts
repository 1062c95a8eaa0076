/** basicConstraints extension (RFC 5280 §4.2.1.9). */
export interface BasicConstraintsInfo {
  ca: boolean;
  /** pathLenConstraint; undefined when absent (no limit). */
  pathLen?: number;
}

/**
 * What tls-inspect knows about one certificate. Field names that also appear in the JSON report's
 * `certificate` object (report.schema.json) have the same meaning and format.
 *
 * A malformed certificate still yields a CertInfo: `error` says what went wrong, `sha256` and `der`
 * are always set, `subject`/`issuer` are "(unparseable certificate)" when the names could not be
 * read, and the optional fields are left out.
 */
export interface CertInfo {
  /** The certificate's DER, an owned copy (never a view into a packet buffer). */
  der: Uint8Array;
  /** SHA-256 of `der`, lowercase hex. */
  sha256: string;
  /** Set when the certificate could not be fully parsed; the other fields hold what could be read. */
  error?: string;
  /** Non-fatal oddities, e.g. an extension whose contents could not be decoded. */
  warnings: string[];

  /** RFC 4514 string, most specific RDN first, e.g. `CN=test-client,O=Example`. */
  subject: string;
  issuer: string;
  /** Normalized DN keys (see distinguished-name.ts): equal keys ⇔ dnEquals. */
  subjectKey: string;
  issuerKey: string;
  /** Raw DER of the subject and issuer Names: views into `der`. */
  subjectDer?: Uint8Array;
  issuerDer?: Uint8Array;

  /** Serial number, lowercase hex of the DER INTEGER contents (as `openssl x509 -serial`, lower case). */
  serialNumber?: string;
  /** ISO 8601 date-time (UTC, `Z`), and the same instant in epoch milliseconds. */
  notBefore?: string;
  notAfter?: string;
  notBeforeMs?: number;
  notAfterMs?: number;

  /** e.g. `DNS:localhost`, `IP:127.0.0.1`, `email:a@b.c`, `URI:…`, `DirName:CN=x`, `RID:1.2.3`. */
  subjectAltNames: string[];
  /** extendedKeyUsage purposes (serverAuth, clientAuth, …; dotted OID for unknown ones). */
  extendedKeyUsage: string[];
  /** True when the extendedKeyUsage extension is present (an empty list then restricts everything). */
  extendedKeyUsagePresent: boolean;
  /** keyUsage bits set (digitalSignature, keyEncipherment, …). */
  keyUsage: string[];
  keyUsagePresent: boolean;
  /** Undefined when the basicConstraints extension is absent. */
  basicConstraints?: BasicConstraintsInfo;

  /** e.g. `EC P-256`, `RSA 2048`, `Ed25519`. */
  publicKey?: string;
  /** RSA public exponent, decimal (e.g. `65537`). */
  publicKeyExponent?: string;
  /** X.509 version number (1, 2 or 3). */
  version?: number;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `ED25519` (OpenSSL names), or the OID. */
  signatureAlgorithm?: string;
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** subjectKeyIdentifier extension, lowercase hex. */
  subjectKeyIdentifier?: string;
  /** keyIdentifier of the authorityKeyIdentifier extension (the issuer's key id), lowercase hex. */
  authorityKeyIdentifier?: string;
}

/** A distinguished name parsed from DER. */
export interface DistinguishedName {
  /** RFC 4514 string, most specific RDN first. */
  rfc4514: string;
  /** Normalized comparison key (RFC 4518-style string preparation); equal keys ⇔ equal DNs. */
  normalized: string;
  /** Set when the name was readable but not exactly valid DER (e.g. trailing bytes). */
  warning?: string;
}

export interface DistinguishedNameError {
  error: string;
}

export type ChainProblemCode =
  | 'signature'
  | 'missing-intermediate'
  | 'untrusted-root'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer-mismatch'
  | 'not-a-ca';

export interface ChainProblem {
  code: ChainProblemCode;
  /** Index in the chain as sent (0 = leaf); -1 for a trust anchor that is not in the sent chain. */
  certIndex: number;
  message: string;
}

export interface ChainVerification {
  ok: boolean;
  problems: ChainProblem[];
  /** Subjects of the built path, leaf first, ending with the trust anchor when one was reached. */
  path: string[];
  /** The issuer DN that would have to be trusted (or sent) for the chain to verify. */
  neededCa?: string;
}
