/**
 * `--format ecs`: one Elastic Common Schema document per connection (JSON lines). ECS fields where
 * ECS has them (`@timestamp`, `event.*`, `source.*` / `destination.*`, `network.*`, `tls.*` with
 * `tls.client.x509.*` / `tls.server.x509.*`); everything else tls-inspect knows (client
 * certificate status and position, diagnoses, JA4, alerts, history) under `tls_inspect.*`.
 * Field names are checked against the @elastic/ecs field list by test/report/ecs.test.ts.
 */
import type { CertificateModel, ConnectionModel } from '../analysis/model.js';
import { certVersion, dnAttributes, dnValues, epochMicros, keyFacts } from './cert-fields.js';
import { serverCurve, zeekEstablished, zeekUid } from './zeek.js';
import { DIAGNOSIS_CATALOGUE } from '../analysis/diagnosis-catalogue.js';

export const ECS_VERSION = '8.17.0';

type Doc = Record<string, unknown>;

/** ECS x509.* (subject / issuer parts, validity, serial, key, SAN) of one certificate. */
export function ecsX509(m: CertificateModel): Doc {
  const name = (dn: string): Doc => {
    const a = dnAttributes(dn);
    const o: Doc = { distinguished_name: dn };
    const put = (key: string, type: string): void => {
      const v = dnValues(a, type);
      if (v.length > 0) o[key] = v;
    };
    put('common_name', 'CN');
    put('organization', 'O');
    put('organizational_unit', 'OU');
    put('locality', 'L');
    put('state_or_province', 'ST');
    put('country', 'C');
    return o;
  };
  const k = keyFacts(m);
  const x: Doc = {
    subject: name(m.subject),
    issuer: name(m.issuer),
    not_before: m.notBefore,
    not_after: m.notAfter,
  };
  if (m.serialNumber) x.serial_number = m.serialNumber.toUpperCase();
  if (m.signatureAlgorithm) x.signature_algorithm = m.signatureAlgorithm;
  if (k.ecsAlg) x.public_key_algorithm = k.ecsAlg;
  if (k.bits !== undefined) x.public_key_size = k.bits;
  if (k.curve) x.public_key_curve = k.curve;
  if (k.exponent !== undefined && Number.isSafeInteger(Number(k.exponent))) x.public_key_exponent = Number(k.exponent);
  const v = certVersion(m);
  if (v !== undefined) x.version_number = String(v);
  if (m.subjectAltNames && m.subjectAltNames.length > 0) x.alternative_names = m.subjectAltNames.map((s) => s.slice(s.indexOf(':') + 1));
  return x;
}

function side(chain: CertificateModel[] | undefined): Doc | undefined {
  const leaf = chain?.[0];
  if (!leaf) return undefined;
  return {
    x509: ecsX509(leaf),
    hash: { sha256: leaf.sha256.toUpperCase() },
    subject: leaf.subject,
    issuer: leaf.issuer,
    not_before: leaf.notBefore,
    not_after: leaf.notAfter,
  };
}

function outcome(c: ConnectionModel): 'success' | 'failure' | 'unknown' {
  if (c.verdict === 'failed') return 'failure';
  if (c.verdict === 'ok' || c.verdict === 'mtls-ok' || (c.verdict === 'warning' && c.established === true)) return 'success';
  return 'unknown';
}

/** Nanoseconds between two RFC 3339 times (event.duration). */
function durationNs(start: string, end: string): number | undefined {
  const a = epochMicros(start);
  const b = epochMicros(end);
  if (a === undefined || b === undefined) return undefined;
  const [as, au] = a.split('.').map(Number) as [number, number];
  const [bs, bu] = b.split('.').map(Number) as [number, number];
  return ((bs - as) * 1_000_000 + (bu - au)) * 1000;
}

const VERSION_PROTOCOL = /^(TLS|SSL|DTLS) (\d\.\d)$/;

/** The ECS document of one connection. */
export function ecsDocument(c: ConnectionModel, source?: { path?: string; kind: string }): Doc {
  const tls: Doc = {};
  const vm = c.version ? VERSION_PROTOCOL.exec(c.version) : null;
  if (vm) {
    tls.version = vm[2];
    tls.version_protocol = vm[1]!.toLowerCase();
  }
  if (c.cipherSuite) tls.cipher = c.cipherSuite;
  const curve = serverCurve(c);
  if (curve !== undefined) tls.curve = curve;
  if (c.established !== undefined) tls.established = c.established;
  if (c.resumed !== undefined) tls.resumed = c.resumed;
  if (c.alpn !== undefined) tls.next_protocol = c.alpn.toLowerCase();
  const client: Doc = side(c.clientCertificate.chain) ?? {};
  if (c.serverName !== undefined) client.server_name = c.serverName;
  if (c.fingerprints?.ja3) client.ja3 = c.fingerprints.ja3;
  if (Object.keys(client).length > 0) tls.client = client;
  const server: Doc = side(c.serverCertificates) ?? {};
  if (c.fingerprints?.ja3s) server.ja3s = c.fingerprints.ja3s;
  if (Object.keys(server).length > 0) tls.server = server;

  const cc = c.clientCertificate;
  const clientCert: Doc = { status: cc.status, requested: cc.requested };
  for (const k of ['visibility', 'frame', 'recordIndex', 'streamOffset', 'length', 'requestFrame', 'sentence', 'acceptedAuthorities'] as const) {
    if (cc[k] !== undefined) clientCert[k.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`)] = cc[k];
  }
  const ti: Doc = {
    connection_id: c.id,
    zeek_uid: zeekUid(c),
    verdict: c.verdict,
    first_frame: c.firstFrame,
    last_frame: c.lastFrame,
    client_certificate: clientCert,
    diagnoses: c.diagnoses.map((d) => ({
      code: d.code,
      severity: d.severity,
      summary: d.summary,
      fix: DIAGNOSIS_CATALOGUE[d.code].fix,
      evidence_frames: d.evidenceFrames,
      ...(d.inferred ? { inferred: true } : {}),
    })),
    alerts: c.alerts.map((a) => ({
      frame: a.frame,
      direction: a.direction,
      level: a.level,
      description: a.description,
      code: a.code,
      visibility: a.visibility,
    })),
    zeek_established: zeekEstablished(c),
  };
  if (c.fingerprints) ti.fingerprints = c.fingerprints;
  if (c.history !== undefined) ti.history = c.history;
  if (c.decrypted !== undefined) ti.decrypted = c.decrypted;
  if (c.warnings.length > 0) ti.warnings = c.warnings.slice(0, 20).map((w) => w.message);
  if (source?.path !== undefined) ti.capture = source.path;

  const t = c.tcp;
  const doc: Doc = {
    '@timestamp': c.startTime,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'event',
      category: ['network'],
      type: ['connection', 'protocol'],
      outcome: outcome(c),
      start: c.startTime,
      end: c.endTime,
      module: 'tls_inspect',
      dataset: 'tls_inspect.connection',
    },
    source: { ip: c.client.ip, port: c.client.port, packets: t.packets.clientToServer, bytes: t.bytes.clientToServer },
    destination: { ip: c.server.ip, port: c.server.port, packets: t.packets.serverToClient, bytes: t.bytes.serverToClient },
    network: {
      transport: 'tcp',
      type: c.client.ip.includes(':') ? 'ipv6' : 'ipv4',
      ...(c.isTls ? { protocol: 'tls' } : {}),
      packets: t.packets.clientToServer + t.packets.serverToClient,
      bytes: t.bytes.clientToServer + t.bytes.serverToClient,
    },
    tls_inspect: ti,
  };
  const dur = durationNs(c.startTime, c.endTime);
  if (dur !== undefined) (doc.event as Doc).duration = dur;
  if (c.isTls) doc.tls = tls;
  return doc;
}
