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
import { ListenerSet } from './orientation.js';
import { SummaryCounter } from './summary.js';

export interface AnalyzerOptions {
  /** Hand on non-TLS TCP connections too (isTls=false). */
  includeNonTls: boolean;
  /** Trust anchors for offline chain checks (--ca). */
  trusted?: CertInfo[];
  /** Keep raw bytes in events (TUI hex pane). */
  keepBytes: boolean;
}

export class ConnectionAnalyzer implements TlsObserver {
  readonly ctx: BuildContext;
  private readonly opts: AnalyzerOptions;
  /** Connections not finished yet (live views build them on demand). */
  readonly open = new Map<number, { conn: TcpConnection; facts: TlsFacts }>();
  private readonly counter = new SummaryCounter();
  finished = 0;

  constructor(
    opts: Partial<AnalyzerOptions>,
    private readonly onConnection: (c: ConnectionModel) => void,
    /** A connection still open gained an event (live views: rebuild that one). */
    private readonly onActivity?: (connectionId: number) => void,
  ) {
    this.opts = { includeNonTls: false, keepBytes: false, ...opts };
    this.ctx = { ...newCertContext(this.opts.trusted), keepBytes: this.opts.keepBytes, listeners: new ListenerSet() };
  }

  event(conn: TcpConnection, facts: TlsFacts, _ev: TlsEvent): void {
    if (this.onActivity) {
      const key = facts.quic ? -1 - conn.id : conn.id; // connectionKey: udp.stream ids are a separate counter
      if (!this.open.has(key)) this.open.set(key, { conn, facts });
      this.onActivity(key);
    }
  }

  complete(conn: TcpConnection, facts: TlsFacts): void {
    this.open.delete(facts.quic ? -1 - conn.id : conn.id);
    this.finished++;
    this.counter.tcp(facts.quic !== undefined);
    if (!facts.isTls && !this.opts.includeNonTls) return;
    const m = buildConnection(conn, facts, this.ctx);
    this.counter.add(m);
    this.onConnection(m);
  }

  /** Model of a connection still in progress (live views), by connectionKey. */
  snapshot(id: number): ConnectionModel | undefined {
    const o = this.open.get(id);
    return o ? buildConnection(o.conn, o.facts, this.ctx) : undefined;
  }

  summary(): SummaryModel {
    return this.counter.summary();
  }
}
