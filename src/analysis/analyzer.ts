/**
 * The analysis stage: receives finished connections from the tls stage (TlsObserver), builds their
 * models, keeps the running summary, and hands each model on (reports, TUI). It keeps no packet
 * data: memory grows with the number of connections kept by the consumer, not with packets.
 */
import type { TcpConnection } from '../tcp/types.js';
import type { TlsEvent, TlsFacts, TlsObserver } from '../tls/events.js';
import type { CertInfo } from '../tls/x509/index.js';
import { buildConnection, type BuildContext } from './build-connection.js';
import { newCertContext } from './certificates.js';
import type { ConnectionModel, SummaryModel } from './model.js';

export interface AnalyzerOptions {
  /** Hand on non-TLS TCP connections too (isTls=false). */
  includeNonTls: boolean;
  /** Trust anchors for offline chain checks (--ca). */
  trusted?: CertInfo[];
  /** Keep raw bytes in events (TUI hex pane). */
  keepBytes: boolean;
}

const MAX_SUBJECTS = 1000;
const MAX_PAIRS = 10_000;

export class ConnectionAnalyzer implements TlsObserver {
  readonly ctx: BuildContext;
  private readonly opts: AnalyzerOptions;
  /** Connections not finished yet (live views build them on demand). */
  readonly open = new Map<number, { conn: TcpConnection; facts: TlsFacts }>();
  private readonly summaryData: SummaryModel = {
    connections: 0,
    tlsConnections: 0,
    alerts: {},
    diagnoses: {},
    verdicts: {},
    clientCertificates: {},
    clientCertSubjects: {},
    failingPairs: [],
    connectionsWithGaps: 0,
  };
  private readonly pairs = new Map<string, { client: string; server: string; failures: number }>();
  finished = 0;

  constructor(
    opts: Partial<AnalyzerOptions>,
    private readonly onConnection: (c: ConnectionModel) => void,
    private readonly onActivity?: () => void,
  ) {
    this.opts = { includeNonTls: false, keepBytes: false, ...opts };
    this.ctx = { ...newCertContext(this.opts.trusted), keepBytes: this.opts.keepBytes };
  }

  event(conn: TcpConnection, facts: TlsFacts, _ev: TlsEvent): void {
    if (this.onActivity) {
      if (!this.open.has(conn.id)) this.open.set(conn.id, { conn, facts });
      this.onActivity();
    }
  }

  complete(conn: TcpConnection, facts: TlsFacts): void {
    this.open.delete(conn.id);
    this.finished++;
    const s = this.summaryData;
    s.connections++;
    if (!facts.isTls && !this.opts.includeNonTls) return;
    const m = buildConnection(conn, facts, this.ctx);
    this.count(m);
    this.onConnection(m);
  }

  /** Model of a connection still in progress (live views). */
  snapshot(id: number): ConnectionModel | undefined {
    const o = this.open.get(id);
    return o ? buildConnection(o.conn, o.facts, this.ctx) : undefined;
  }

  summary(): SummaryModel {
    const s = this.summaryData;
    s.failingPairs = [...this.pairs.values()].sort((a, b) => b.failures - a.failures).slice(0, 10);
    return s;
  }

  private count(m: ConnectionModel): void {
    const s = this.summaryData;
    if (m.isTls) s.tlsConnections++;
    if (m.tcp.gaps.clientToServer + m.tcp.gaps.serverToClient > 0) s.connectionsWithGaps++;
    inc(s.verdicts, m.verdict);
    if (!m.isTls) return;
    inc(s.clientCertificates, m.clientCertificate.status);
    for (const a of m.alerts) inc(s.alerts, a.description ?? `alert ${a.code ?? '?'}`);
    for (const d of m.diagnoses) inc(s.diagnoses, d.code);
    const leaf = m.clientCertificate.chain?.[0];
    if (leaf && (Object.keys(s.clientCertSubjects).length < MAX_SUBJECTS || leaf.subject in s.clientCertSubjects)) {
      inc(s.clientCertSubjects, leaf.subject);
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
}

function inc(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}
