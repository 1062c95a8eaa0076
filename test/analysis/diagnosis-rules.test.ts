/**
 * The diagnosis rule table (src/analysis/rules/): the codes are a contract (the union's runtime
 * list = the schema's enum = README's catalogue), the rules run in a pinned order, and on
 * constructed connection models each ordering dependency and each condition shows: reorder two
 * rules or change a condition and one of these fails.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { DIAGNOSIS_CODES } from '../../src/analysis/diagnosis-codes.js';
import { DIAGNOSIS_CATALOGUE } from '../../src/analysis/diagnosis-catalogue.js';
import { DIAGNOSIS_RULES, runRules } from '../../src/analysis/rules/index.js';
import { VISIBILITY_RULES } from '../../src/analysis/rules/visibility.js';
import { RuleContext, type DiagnosisFacts } from '../../src/analysis/rules/types.js';
import { diagnose } from '../../src/analysis/diagnose.js';
import { newCertContext } from '../../src/analysis/certificates.js';
import type { Tls13Inference } from '../../src/analysis/infer-tls13.js';
import type { CertificateModel, ClientCertificateModel, ConnectionModel, EventModel } from '../../src/analysis/model.js';
import { quietTcp } from '../helpers/model.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

interface Ev {
  f: number;
  d: 'c' | 's';
  type?: string;
  kind?: EventModel['kind'];
  code?: number;
  level?: EventModel['level'];
  certs?: CertificateModel[];
}

function ev(e: Ev): EventModel {
  const m: EventModel = {
    frame: e.f,
    time: at(e.f * 10),
    direction: e.d === 'c' ? 'client->server' : 'server->client',
    kind: e.kind ?? (e.code !== undefined ? 'alert' : 'handshake'),
    visibility: 'plaintext',
  };
  if (e.type) m.type = e.type;
  if (e.code !== undefined) {
    m.code = e.code;
    m.level = e.level ?? 'fatal';
    m.description = `alert_${e.code}`;
  }
  if (e.certs) m.certificates = e.certs;
  return m;
}

const cert = (o: Partial<CertificateModel> = {}): CertificateModel => ({
  subject: 'CN=client',
  issuer: 'CN=Good CA',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  sha256: 'ab',
  ...o,
});

function model(events: Ev[], o: Partial<ConnectionModel> & { cc?: Partial<ClientCertificateModel>; fin?: [number, number] } = {}): ConnectionModel {
  const evs = events.map(ev);
  const { cc, fin, ...rest } = o;
  return {
    id: 0,
    client: { ip: '127.0.0.1', port: 50000 },
    server: { ip: '127.0.0.1', port: 443 },
    firstFrame: 1,
    lastFrame: 99,
    startTime: at(0),
    endTime: at(1000),
    isTls: true,
    version: 'TLS 1.2',
    decrypted: false,
    resumed: false,
    established: false,
    events: evs,
    applicationData: { clientToServer: { records: 0, bytes: 0 }, serverToClient: { records: 0, bytes: 0 } },
    clientCertificate: { requested: true, status: 'sent', ...cc },
    alerts: evs.filter((e) => e.kind === 'alert'),
    diagnoses: [],
    tcp: quietTcp(fin ? { finFrames: fin } : {}),
    verdict: 'ok',
    warnings: [],
    ...rest,
  };
}

const FACTS: DiagnosisFacts = { serverHelloSeen: true, clientHelloMissing: false };
const run = (m: ConnectionModel, facts: DiagnosisFacts = FACTS, inf?: Tls13Inference) =>
  diagnose(m, newCertContext(), facts, inf).map((d) => `${d.severity}:${d.code}`);

/** A TLS 1.2 mutual-TLS flight up to the client's Finished. */
const FLIGHT: Ev[] = [
  { f: 3, d: 's', type: 'ServerHello' },
  { f: 4, d: 's', type: 'CertificateRequest' },
  { f: 5, d: 's', type: 'ServerHelloDone' },
];

describe('diagnosis codes: one list, checked against the schema and the README', () => {
  const codes = [...DIAGNOSIS_CODES].sort();
  it('has no duplicates', () => {
    expect(new Set(DIAGNOSIS_CODES).size).toBe(DIAGNOSIS_CODES.length);
  });
  for (const rel of ['test/fixtures/report.schema.json', 'schema/report.schema.json']) {
    const path = join(REPO, rel);
    it.skipIf(!existsSync(path))(`equals the diagnosis-code enum of ${rel}`, () => {
      const schema = JSON.parse(readFileSync(path, 'utf8'));
      const en: string[] = schema.$defs.diagnosis.properties.code.enum;
      expect([...en].sort()).toEqual(codes);
    });
  }
  it("equals README's diagnosis catalogue", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const part = readme.slice(readme.indexOf('<!-- catalogue:start -->'), readme.indexOf('<!-- catalogue:end -->'));
    const listed = [...part.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((x) => x[1]);
    expect(listed.length).toBeGreaterThan(20);
    expect([...listed].sort()).toEqual(codes);
  });
  it('every rule makes a listed code, every code has a rule, rule names are unique', () => {
    for (const r of DIAGNOSIS_RULES) expect(DIAGNOSIS_CODES).toContain(r.code);
    expect([...new Set(DIAGNOSIS_RULES.map((r) => r.code))].sort()).toEqual(codes);
    expect(new Set(DIAGNOSIS_RULES.map((r) => r.name)).size).toBe(DIAGNOSIS_RULES.length);
  });
  it('every rule names its RFC section and the evidence it cites', () => {
    for (const r of DIAGNOSIS_RULES) {
      expect(r.rfc, r.name).toMatch(/\S/);
      expect(r.cites, r.name).toMatch(/\S/);
    }
  });
});

describe('the rule order', () => {
  it('is pinned', () => {
    expect(DIAGNOSIS_RULES.map((r) => r.name)).toEqual([
      'client-cert-not-enforced',
      'rejected-by-alert:key-mismatch',
      'rejected-by-alert:expired',
      'rejected-by-alert:not-yet-valid',
      'rejected-by-alert:bad-usage',
      'rejected-by-alert:unknown-ca',
      'rejected-by-alert:unknown-ca:unlisted',
      'rejected-by-alert:wrong-ca',
      'rejected-by-alert:also-key-mismatch',
      'rejected-by-alert:also-wrong-ca',
      'rejected-by-alert:also-expired',
      'rejected-by-alert:also-not-yet-valid',
      'expired-no-alert',
      'not-yet-valid-no-alert',
      'wrong-ca-no-alert',
      'bad-usage',
      'ca-bundle:missing-intermediate',
      'ca-bundle:untrusted',
      'empty-certificate',
      'certificate-required',
      'server-cert-rejected',
      'server-cert-rejected-silently',
      'handshake-alert',
      'not-requested',
      'quic-version-negotiation',
      'handshake-incomplete',
      'inferred:certificate-required',
      'inferred:empty-certificate',
      'inferred:rejected-silently',
      'inferred:rejected-by-alert',
      'client-cert-malformed',
      'certificate-unparseable',
      'encrypted-no-keys',
      'capture-gap',
      'client-cert-rejected-http',
      'encrypted-alert-ambiguous',
      'handshake-not-captured',
      'client-hello-not-captured',
      'orientation-guessed',
      'post-handshake-auth-possible',
      'session-resumed',
    ]);
  });

  it('an EMPTY Certificate then handshake_failure: empty (error) and required explain the alert, no handshake-alert', () => {
    const m = model([...FLIGHT, { f: 7, d: 'c', type: 'Certificate' }, { f: 8, d: 's', code: 40 }], { cc: { status: 'empty' } });
    expect(run(m)).toEqual(['error:client-cert-empty', 'error:client-cert-required']);
  });

  it('handshake_failure without an EMPTY Certificate is a plain alert; decode_error after one is "required" too', () => {
    expect(run(model([...FLIGHT, { f: 8, d: 's', code: 40 }], { cc: { status: 'not-sent' } }))).toEqual(['error:handshake-alert']);
    const m = model([...FLIGHT, { f: 7, d: 'c', type: 'Certificate' }, { f: 8, d: 's', code: 50 }], { cc: { status: 'empty' } });
    expect(run(m)).toEqual(['error:client-cert-empty', 'error:client-cert-required']);
    // no alert at all: the EMPTY Certificate is a warning, and the handshake stopped
    const quiet = model([...FLIGHT, { f: 7, d: 'c', type: 'Certificate' }], { cc: { status: 'empty' } });
    expect(run(quiet)).toEqual(['warning:client-cert-empty', 'warning:handshake-incomplete']);
  });

  it('certificate_required without an EMPTY Certificate (status unknown) still explains the alert', () => {
    const m = model([...FLIGHT, { f: 8, d: 's', code: 116 }], { cc: { status: 'unknown' } });
    expect(run(m)).toEqual(['error:client-cert-required']);
  });

  const sentFlight = (leaf: CertificateModel): Ev[] => [
    ...FLIGHT,
    { f: 7, d: 'c', type: 'Certificate', certs: [leaf] },
    { f: 9, d: 'c', type: 'Finished' },
  ];
  const sent = (leaf: CertificateModel, more: Ev[] = [], o: Parameters<typeof model>[1] = {}) =>
    model([...sentFlight(leaf), ...more], { cc: { status: 'sent', chain: [leaf], acceptedAuthorities: ['CN=Good CA'] }, ...o });

  it('a silent close after an unlisted issuer is an error, and then no handshake-incomplete', () => {
    // the server closes (FIN, frame 10) right after the client's Finished, having sent nothing
    const evil = sent(cert({ issuer: 'CN=Evil CA' }), [], { fin: [0, 10] });
    expect(run(evil)).toEqual(['error:client-cert-wrong-ca']);
    const good = sent(cert(), [], { fin: [0, 10] });
    expect(run(good)).toEqual(['warning:handshake-incomplete']);
  });

  it('an expired certificate and no alert: the validity rule comes before the CA rule, which then does not apply', () => {
    const m = sent(cert({ issuer: 'CN=Evil CA', notAfter: '2025-06-01T00:00:00Z' }), [], { fin: [0, 10] });
    expect(run(m)).toEqual(['error:client-cert-expired']);
  });

  it('unsupported_certificate with a serverAuth-only EKU: one bad-usage diagnosis, the error, and the alert is explained', () => {
    const leaf = cert({ extendedKeyUsage: ['serverAuth'] });
    expect(run(sent(leaf, [{ f: 10, d: 's', code: 43 }]))).toEqual(['error:client-cert-bad-usage']);
    // the same EKU without a rejection: a warning of its own, after the incomplete-free alert-less path
    expect(run(sent(leaf, [], { established: true }))).toEqual(['warning:client-cert-bad-usage']);
    // unsupported_certificate with a fine EKU: the cause is not borne out, the alert stands alone
    expect(run(sent(cert(), [{ f: 10, d: 's', code: 43 }]))).toEqual(['error:handshake-alert']);
  });

  it('bad_certificate: the first proven cause is the error, the other proven causes follow as warnings', () => {
    const leaf = cert({ issuer: 'CN=Evil CA', notAfter: '2025-06-01T00:00:00Z' });
    expect(run(sent(leaf, [{ f: 10, d: 's', code: 42 }]))).toEqual(['error:client-cert-wrong-ca', 'warning:client-cert-expired']);
    // certificate_expired names the cause: expired first, the CA warning after it
    expect(run(sent(leaf, [{ f: 10, d: 's', code: 45 }]))).toEqual(['error:client-cert-expired', 'warning:client-cert-wrong-ca']);
    // unknown_ca for a listed issuer: unknown-ca; bad_certificate with nothing proven: unknown-ca too
    expect(run(sent(cert(), [{ f: 10, d: 's', code: 48 }]))).toEqual(['error:client-cert-unknown-ca']);
    expect(run(sent(cert(), [{ f: 10, d: 's', code: 42 }]))).toEqual(['error:client-cert-unknown-ca']);
  });

  it('the client rejecting the server explains its alert; a warning alert is not an error', () => {
    const events: Ev[] = [
      { f: 3, d: 's', type: 'ServerHello' },
      { f: 4, d: 's', type: 'Certificate', certs: [cert({ subject: 'CN=server' })] },
      { f: 5, d: 's', type: 'ServerHelloDone' },
      { f: 6, d: 'c', code: 48 },
      { f: 7, d: 's', code: 90, level: 'warning' },
    ];
    expect(run(model(events, { cc: { requested: false, status: 'not-requested' } }))).toEqual([
      'error:server-cert-rejected',
      'info:handshake-alert',
      'info:client-cert-not-requested',
    ]);
  });

  it('one-way TLS: only when the server finished its flight, and not for a resumed session', () => {
    const oneWay = (o: Parameters<typeof model>[1]) => model([{ f: 3, d: 's', type: 'ServerHello' }, { f: 5, d: 's', type: 'ServerHelloDone' }], { cc: { requested: false, status: 'not-requested' }, established: true, ...o });
    expect(run(oneWay({}))).toEqual(['info:client-cert-not-requested']);
    expect(run(oneWay({ resumed: true }))).toEqual([]);
    const noDone = model([{ f: 3, d: 's', type: 'ServerHello' }], { cc: { requested: false, status: 'not-requested' }, established: undefined });
    expect(run(noDone)).toEqual([]);
  });

  it('QUIC Version Negotiation without a ServerHello ends the attempt: no handshake-incomplete', () => {
    const quic = {
      udpStream: 0, version: 'QUIC v1', versionNumber: '0x00000001', originalDcid: '00',
      versionNegotiation: { frame: 2, versions: ['0x6b3343cf'] }, packets: {}, undecrypted: { clientToServer: 0, serverToClient: 0 }, closes: [],
    };
    const m = model([{ f: 1, d: 'c', type: 'ClientHello' }], { quic, version: undefined, cc: { requested: false, status: 'not-requested' } });
    expect(run(m, { serverHelloSeen: false, clientHelloMissing: false })).toEqual(['info:quic-version-negotiation']);
    expect(run(m, { serverHelloSeen: true, clientHelloMissing: false })).toEqual(['warning:handshake-incomplete']);
  });

  it('TLS 1.3 without keys: the inferred rules come after the plain ones, then the no-keys note', () => {
    const events: Ev[] = [
      { f: 3, d: 's', type: 'ServerHello' },
      { f: 7, d: 'c', kind: 'encrypted' },
      { f: 8, d: 's', kind: 'encrypted' },
    ];
    const m = model(events, { version: 'TLS 1.3', cc: { requested: true, status: 'empty' } });
    const inf: Tls13Inference = { clientCert: 'empty', certEvent: m.events[1], alertEvent: m.events[2], continued: false, reasons: ['sizes'] };
    expect(run(m, FACTS, inf)).toEqual(['error:client-cert-required', 'info:encrypted-no-keys']);
    const noAlert: Tls13Inference = { ...inf, alertEvent: undefined };
    // no alert: the handshake-incomplete rule (before the inferred ones) sees no error yet
    expect(run(m, FACTS, noAlert)).toEqual(['warning:handshake-incomplete', 'warning:client-cert-empty', 'info:encrypted-no-keys']);
  });

  it('an ambiguous encrypted alert withdraws only the inferred client-cert-rejected, keeping the order of the rest', () => {
    const m = model([{ f: 8, d: 's', kind: 'encrypted' }], { version: 'TLS 1.3' });
    const inf: Tls13Inference = { ambiguousAlert: m.events[0], continued: false, reasons: ['sizes'] };
    const x = new RuleContext(m, newCertContext(), inf, FACTS);
    x.out.push(
      { code: 'client-cert-rejected', severity: 'error', summary: 'fact', evidenceFrames: [] },
      { code: 'client-cert-rejected', severity: 'warning', summary: 'guess', evidenceFrames: [], inferred: true },
      { code: 'capture-gap', severity: 'warning', summary: 'gap', evidenceFrames: [], inferred: true },
    );
    expect(runRules(VISIBILITY_RULES, x).map((d) => `${d.code}:${d.summary.slice(0, 5)}`)).toEqual([
      'client-cert-rejected:fact',
      'capture-gap:gap',
      'encrypted-alert-ambiguous:INFER',
    ]);
  });
});

describe('the catalogue (issue 14): generic text once per code, from the rule table', () => {
  it('has every code, and every rule of a code carries that code\'s one text', () => {
    expect(Object.keys(DIAGNOSIS_CATALOGUE).sort()).toEqual([...DIAGNOSIS_CODES].sort());
    for (const r of DIAGNOSIS_RULES) {
      expect({ rfc: r.rfc, explanation: r.explanation, fix: r.fix }, r.name).toEqual(DIAGNOSIS_CATALOGUE[r.code]);
    }
  });
  it('holds nothing about a particular connection (frames, times, names)', () => {
    for (const [code, e] of Object.entries(DIAGNOSIS_CATALOGUE)) {
      for (const t of [e.rfc, e.explanation, e.fix]) {
        expect(t, code).toMatch(/\S/);
        expect(t, code).not.toMatch(/\bframe \d|\d{4}-\d\d-\d\dT|CN=|undefined/);
      }
    }
  });
  it('diagnoses carry no explanation or fix: summary, evidence, frames', () => {
    const m = model([...FLIGHT, { f: 7, d: 'c', type: 'Certificate' }, { f: 8, d: 's', code: 40 }], { cc: { status: 'empty', acceptedAuthorities: ['CN=Good CA'] } });
    const ds = diagnose(m, newCertContext(), FACTS);
    for (const d of ds) expect(Object.keys(d).filter((k) => k === 'explanation' || k === 'fix')).toEqual([]);
    expect(ds[0].evidence?.join(' ')).toContain('CN=Good CA');
  });
});
