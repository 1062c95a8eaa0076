#!/usr/bin/env node
// Regenerates the generated sections of README.md from the built CLI and the committed captures:
// the diagnosis catalogue (example outputs) and the inference accuracy table. The sample
// transcripts come from test/tools/update-samples.mjs.
// Usage: npm run build && node test/tools/update-readme.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin', 'tls-inspect');
const cli = (args) =>
  execFileSync(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' }, encoding: 'utf8', maxBuffer: 64 << 20 });

function replace(text, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`README has no ${name} markers`);
  return `${text.slice(0, a + start.length)}\n${body.trim()}\n${text.slice(b)}`;
}

const captures = readdirSync(join(repo, 'captures'))
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort((a, b) => (a === 'all-scenarios.pcap' ? -1 : b === 'all-scenarios.pcap' ? 1 : a.localeCompare(b)));

// --- catalogue ---
const TRIGGERS = {
  'client-cert-not-requested': ['info', 'The server finished its flight (ServerHelloDone / Finished) without a CertificateRequest: one-way TLS.'],
  'client-cert-empty': ['error / warning', 'The client answered CertificateRequest with a Certificate message holding no certificate (error when the server then aborts).'],
  'client-cert-required': ['error', 'certificate_required (116, TLS 1.3) — or handshake_failure (40) / decode_error (50) / bad_certificate (42) right after an empty Certificate (TLS 1.2).'],
  'client-cert-unknown-ca': ['error', 'Server alert unknown_ca (48) after the client\'s Certificate, or bad_certificate / certificate_unknown / access_denied when the issuer is listed; with `--ca`, a chain missing its intermediate.'],
  'client-cert-wrong-ca': ['error / warning', 'The client chain leads to no CA named in the server\'s CertificateRequest (DNs compared normalised) and the server rejected it (42/46/49), or closed silently (Node.js), or (warning) nothing visible happened yet.'],
  'client-cert-expired': ['error / warning', 'The client certificate\'s notAfter is before the capture time (error with certificate_expired / bad_certificate from the server).'],
  'client-cert-not-yet-valid': ['error / warning', 'notBefore after the capture time (OpenSSL servers answer bad_certificate, 42).'],
  'client-cert-bad-usage': ['error / warning', 'No clientAuth extended key usage, or keyUsage without digitalSignature (error with unsupported_certificate, 43).'],
  'client-cert-key-mismatch': ['error', 'decrypt_error (51) from the server after the client\'s CertificateVerify.'],
  'client-cert-rejected': ['error (inferred)', 'TLS 1.3 without keys: the server answered the client\'s Certificate + CertificateVerify + Finished with an alert-sized record and closed.'],
  'server-cert-rejected': ['error', 'The client sent unknown_ca / bad_certificate / certificate_expired / ... after the server\'s Certificate.'],
  'handshake-alert': ['error / warning / info', 'Any other alert, with who sent it and its meaning (RFC section).'],
  'handshake-incomplete': ['warning', 'FIN/RST or end of capture in the middle of the handshake, without an alert.'],
  'encrypted-no-keys': ['info', 'TLS 1.3 without key-log secrets: what was inferred, and how to capture keys.'],
  'capture-gap': ['warning', 'Bytes missing from the capture hide part of the TLS exchange.'],
  'quic-version-negotiation': ['info', 'QUIC: the server answered the client\'s Initial with Version Negotiation (RFC 9000 §6); the client retries in a new connection.'],
  'client-cert-not-enforced': ['warning (verdict stays mtls-ok)', 'With keys: the server accepted a client certificate its CertificateRequest list (or `--ca`) does not cover, or an expired / not-yet-valid one — no alert, and it went on (tickets, data, closing only after the client). It does not enforce verification: OpenSSL `-verify_return_error`, nginx `ssl_verify_client on`, Go `RequireAndVerifyClientCert`, Node `rejectUnauthorized: true`.'],
  'server-cert-rejected-silently': ['warning (inferred)', 'The client closed within 2 s of the server\'s flight with no alert, close_notify or data (TLS 1.3: before its own Finished; TLS 1.2: right after the server\'s Finished): most likely it rejected the server\'s certificate (Node.js clients do this).'],
  'client-cert-rejected-http': ['error (or inferred)', 'With keys: the first decrypted HTTP response rejects the client certificate — status 495/496, or a 400 whose page names the SSL certificate (nginx `ssl_verify_client on`: "The SSL certificate error", "No required SSL certificate was sent"). A bare 400 right after an unlisted or empty certificate gives the same code, inferred.'],
  'client-cert-malformed': ['warning', 'The client\'s Certificate message does not parse (a length runs past the message): whether it carried a certificate is unknown — never reported as EMPTY.'],
  'certificate-unparseable': ['warning', 'A certificate in a Certificate message is not DER X.509: no validity, usage or CA conclusion is drawn from it.'],
  'handshake-not-captured': ['info', 'The capture starts after the ClientHello and ServerHello: no certificate verdict is given.'],
  'client-hello-not-captured': ['info', 'The capture starts after the ClientHello: no key log can decrypt the connection (its client random is not in the capture).'],
  'orientation-guessed': ['info (inferred)', 'Neither a SYN nor a Hello says who the client is: guessed from a port that listened earlier in the capture, a well-known port, or the lower port.'],
  'post-handshake-auth-possible': ['info', 'TLS 1.3 without keys and the client offered post_handshake_auth: a certificate may have been requested after the handshake, so no "not requested" is claimed.'],
  'session-resumed': ['info', 'A resumed session (PSK / session ticket / session id) sends no certificate: the client identity comes from the original handshake.'],
  'encrypted-alert-ambiguous': ['warning (inferred)', 'TLS 1.3 without keys: the client closed first, so the server\'s one alert may be its close_notify reply or a rejection.'],
};
const examples = new Map();
const corpus = join(repo, 'test', 'fixtures', 'zeek');
const inputs = captures.map((f) => ['captures/' + f, join('captures', f.replace(/\.pcap(ng)?$/, '.keys'))]);
for (const f of readdirSync(join(repo, 'captures', 'quic')).filter((x) => x.endsWith('.pcap')).sort()) inputs.push(['captures/quic/' + f, join('captures', 'quic', f.replace(/\.pcap$/, '.keys'))]);
inputs.push(['captures/tls13-wrong-ca.pcap', null]);
if (existsSync(corpus)) for (const f of readdirSync(corpus).filter((x) => x.endsWith('.pcap'))) inputs.push([join('test', 'fixtures', 'zeek', f), null]);
for (const [f, keys] of inputs) {
  const args = ['file', f, '--format', 'json'];
  if (keys && existsSync(join(repo, keys))) args.push('--keylog', keys);
  const r = JSON.parse(cli(args));
  for (const c of r.connections) for (const d of c.diagnoses) if (!examples.has(d.code)) examples.set(d.code, { f, d });
}
// the example capture of each code (its report is in docs/samples.md); README stays short
const cat = ['| code | severity | triggered by | example |', '|---|---|---|---|'];
for (const [code, [sev, trig]] of Object.entries(TRIGGERS)) {
  const ex = examples.get(code);
  const exText = ex ? `\`${ex.f.replace(/^.*\/(captures|zeek)\//, '$1/').replace(/\.pcap(ng)?$/, '')}\`` : '—';
  cat.push(`| \`${code}\` | ${sev} | ${trig} | ${exText} |`);
}
cat.push('', 'Each diagnosis has `summary`, `evidence` (its connection\'s facts, in words) and `evidenceFrames`; the RFC reference, general',
  'explanation and fix of each code are in the report\'s top-level `catalogue` (`src/analysis/diagnosis-catalogue.ts`, made from the rule',
  'table in `src/analysis/rules/`), printed once per report in a *Fixes* part before the summary (text, Markdown, HTML). Diagnoses that',
  'rest on the TLS 1.3 size inference carry `"inferred": true` and say so in their summary.');

// --- inference accuracy (from the accuracy test's output) ---
let inference = '';
try {
  const out = execFileSync('npx', ['vitest', 'run', '--config', 'test/vitest.config.ts', 'test/analysis/inference-accuracy.test.ts'], { cwd: repo, encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => /TLS 1\.3 connections/.test(l));
  inference = [
    'Without keys, a TLS 1.3 connection shows only record sizes and order. tls-inspect names the records when',
    'the sizes fit exactly (an empty client Certificate is a 25-byte record: 8 bytes + inner type + 16-byte tag;',
    'Finished is 4 + hash length; an alert is 19 bytes), for stacks that send one message per record (OpenSSL,',
    'GnuTLS, Node — measured below) and for stacks that coalesce them (Go, rustls: one record whose size is',
    'checked against the possible combinations — covered by unit tests on synthetic record sequences only, as',
    'no coalescing stack is available on the machine that made the captures). Every such event and status is',
    '`inferred` and carries its reasoning; when the shapes do not fit, the answer stays `unknown`.',
    '',
    'Measured against the decrypted truth on every TLS 1.3 capture in `captures/` with a key log',
    '(`test/analysis/inference-accuracy.test.ts`):',
    '',
    '| stack | measured |',
    '|---|---|',
    ...lines.map((l) => {
      const [stack, rest] = l.split(': ');
      return `| ${stack} | ${rest} |`;
    }),
    '',
    'An inference is never wrong in these captures (a wrong claim fails the test); misses are reported as `unknown`.',
  ].join('\n');
} catch (e) {
  inference = `(accuracy test failed: ${e.message.split('\n')[0]})`;
}

let readme = readFileSync(join(repo, 'README.md'), 'utf8');
readme = replace(readme, 'catalogue', cat.join('\n'));
readme = replace(readme, 'inference', inference);
writeFileSync(join(repo, 'README.md'), readme);
console.log('README.md updated');
