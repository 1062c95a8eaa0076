/**
 * Every diagnosis code, as a runtime list and a union type. Codes are a contract (README's
 * catalogue, the JSON schema's enum, users' scripts and --fail-on): add codes, never rename one.
 * test/analysis/diagnosis-rules.test.ts checks this list against the schema and the README.
 */
export const DIAGNOSIS_CODES = [
  'client-cert-not-requested',
  'client-cert-empty',
  'client-cert-required',
  'client-cert-unknown-ca',
  'client-cert-wrong-ca',
  'client-cert-expired',
  'client-cert-not-yet-valid',
  'client-cert-bad-usage',
  'client-cert-key-mismatch',
  'client-cert-rejected',
  'server-cert-rejected',
  'handshake-alert',
  'handshake-incomplete',
  'encrypted-no-keys',
  'capture-gap',
  'quic-version-negotiation',
  'client-cert-not-enforced',
  'server-cert-rejected-silently',
  'client-cert-rejected-http',
  'client-cert-malformed',
  'certificate-unparseable',
  'handshake-not-captured',
  'client-hello-not-captured',
  'orientation-guessed',
  'post-handshake-auth-possible',
  'session-resumed',
  'encrypted-alert-ambiguous',
] as const;

export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export type Severity = 'error' | 'warning' | 'info';
