/**
 * The report summary, counted connection by connection: the analyzer keeps one over everything it
 * finished, the command line another over the connections a filter kept.
 */
import type { ConnectionModel, SummaryModel } from './model.js';

const MAX_SUBJECTS = 1000;
const MAX_PAIRS = 10_000;

function inc(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

export class SummaryCounter {
  private readonly data: SummaryModel = {
    connections: 0,
    tlsConnections: 0,
    alerts: {},
    diagnoses: {},
    verdicts: {},
    clientCertificates: {},
    clientCertSubjects: {},
    clientCertIssuers: [],
    failingPairs: [],
    connectionsWithGaps: 0,
  };
  private readonly pairs = new Map<string, { client: string; server: string; failures: number }>();
  private readonly issuers = new Map<string, { subject: string; issuer: string; connections: number }>();
  /** Keys of data.clientCertSubjects (counted here: no Object.keys array per connection). */
  private subjects = 0;

  /** A finished connection (TCP, or QUIC when `quic`), reported or not. */
  tcp(quic = false): void {
    this.data.connections++;
    if (quic) this.data.quicConnections = (this.data.quicConnections ?? 0) + 1;
  }

  /** A reported connection. */
  add(m: ConnectionModel): void {
    const s = this.data;
    if (m.isTls) s.tlsConnections++;
    const gaps = m.tcp?.gaps;
    if (gaps && gaps.clientToServer + gaps.serverToClient > 0) s.connectionsWithGaps++;
    inc(s.verdicts, m.verdict);
    if (!m.isTls) return;
    inc(s.clientCertificates, m.clientCertificate.status);
    for (const a of m.alerts) inc(s.alerts, a.description ?? `alert ${a.code ?? '?'}`);
    for (const d of m.diagnoses) inc(s.diagnoses, d.code);
    const leaf = m.clientCertificate.chain?.[0];
    if (leaf) {
      const known = leaf.subject in s.clientCertSubjects;
      if (known || this.subjects < MAX_SUBJECTS) {
        if (!known) this.subjects++;
        inc(s.clientCertSubjects, leaf.subject);
      }
    }
    if (leaf) {
      // the same subject from two CAs is two different certificates (a wrong-CA one among them)
      const key = `${leaf.subject}\u0000${leaf.issuer}`;
      let e = this.issuers.get(key);
      if (!e && this.issuers.size < MAX_SUBJECTS) {
        e = { subject: leaf.subject, issuer: leaf.issuer, connections: 0 };
        this.issuers.set(key, e);
      }
      if (e) e.connections++;
    }
    if (m.verdict === 'failed') {
      const key = `${m.client.ip}|${m.server.ip}:${m.server.port}`;
      let p = this.pairs.get(key);
      if (!p && this.pairs.size < MAX_PAIRS) {
        p = { client: m.client.ip, server: `${m.server.ip}:${m.server.port}`, failures: 0 };
        this.pairs.set(key, p);
      }
      if (p) p.failures++;
    }
  }

  summary(): SummaryModel {
    const s = this.data;
    s.failingPairs = [...this.pairs.values()].sort((a, b) => b.failures - a.failures).slice(0, 10);
    s.clientCertIssuers = [...this.issuers.values()].sort((a, b) => b.connections - a.connections);
    return s;
  }
}

/** What SummaryCounter.add reads of a connection, as plain data (--jobs: a worker sends this to
 * the main thread, which counts the connections of all workers in one order). */
export function summaryView(m: ConnectionModel): ConnectionModel {
  const leaf = m.clientCertificate.chain?.[0];
  const gaps = m.tcp?.gaps;
  return {
    isTls: m.isTls,
    verdict: m.verdict,
    client: { ip: m.client.ip },
    server: { ip: m.server.ip, port: m.server.port },
    tcp: gaps ? { gaps: { clientToServer: gaps.clientToServer, serverToClient: gaps.serverToClient } } : undefined,
    clientCertificate: { status: m.clientCertificate.status, chain: leaf ? [{ subject: leaf.subject, issuer: leaf.issuer }] : undefined },
    alerts: m.alerts.map((a) => ({ description: a.description, code: a.code })),
    diagnoses: m.diagnoses.map((d) => ({ code: d.code })),
  } as unknown as ConnectionModel;
}
