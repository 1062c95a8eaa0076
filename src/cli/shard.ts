/**
 * `--jobs N`: one worker's share of a capture. Every worker reads the whole capture and runs the
 * capture, net, TCP and QUIC stages for every flow (so frame numbers, tcp.stream / udp.stream ids,
 * port reuse and the source-level facts are exactly those of one process), but only the
 * connections it owns (id % N == index) get a TLS consumer, a model and rendered output; the
 * others' in-order bytes are dropped as they are delivered.
 *
 * Report order: a connection's summary contribution and its JSONL line depend on the order in
 * which connections finish over the whole capture. Every worker sees the same "moments" (each TCP
 * and QUIC completion, each Decryption Secrets Block, the end of input), counted by `tick`; a
 * connection reported at moment T that finished at moment O gets the key (T, O), which orders the
 * connections of all workers as one process would report them (held connections released by a
 * DSB or at the end come in the order they were held, i.e. by O).
 *
 * What couples connections across workers is checked after the run (`exactness`): shares of the
 * memory budgets, the held-connection cap, and the listening-port orientation guess. When a check
 * fails the caller runs the capture again in one process.
 */
import type { StreamChunk, StreamConsumer, StreamConsumerFactory, StreamGap, Side, TcpConnection } from '../tcp/types.js';
import type { TlsEvent, TlsFacts, TlsObserver } from '../tls/events.js';
import { ListenerSet } from '../analysis/orientation.js';
import type { Endpoint } from '../tcp/types.js';

/** Where a reported connection goes in the one-process order. */
export type ReportKey = readonly [tick: number, origin: number];

export function compareKeys(a: ReportKey, b: ReportKey): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** A ListenerSet that notes whether it was consulted (it holds only this worker's connections). */
export class ProbedListenerSet extends ListenerSet {
  consulted = false;
  override has(ep: Endpoint): boolean {
    this.consulted = true;
    return super.has(ep);
  }
}

class OwnedConsumer implements StreamConsumer {
  constructor(
    private readonly inner: StreamConsumer,
    private readonly shard: Shard,
  ) {}
  data(side: Side, chunk: StreamChunk): void {
    this.inner.data(side, chunk);
  }
  gap(side: Side, gap: StreamGap): void {
    this.inner.gap(side, gap);
  }
  end(side: Side, how: 'fin' | 'rst', frame: number, tsSec: number, tsNsec: number): void {
    this.inner.end(side, how, frame, tsSec, tsNsec);
  }
  complete(conn: TcpConnection): void {
    this.shard.tcpFinished(conn.id);
    this.inner.complete(conn);
  }
}

export class Shard {
  /** Moments so far (identical in every worker of a run). */
  tick = 0;
  /** Every TCP / QUIC connection finished, owned or not (identical in every worker). */
  tcpDone = 0;
  quicDone = 0;
  /** Key of the connection being reported now (read by the pipeline's onConnection). */
  key: ReportKey = [0, 0];
  private readonly origin = new Map<number, number>();
  private readonly discard: StreamConsumer;

  constructor(
    readonly index: number,
    readonly count: number,
  ) {
    const noop = (): void => undefined;
    this.discard = { data: noop, gap: noop, end: noop, complete: () => this.tcpFinished(-1) };
  }

  owns(id: number): boolean {
    return id % this.count === this.index;
  }

  /** A moment every worker sees (a DSB, the end of input). */
  moment(): void {
    this.tick++;
  }

  tcpFinished(id: number): void {
    this.tick++;
    this.tcpDone++;
    if (id >= 0) this.origin.set(id, this.tick);
  }

  /** The TCP stage's factory: owned connections get the TLS consumer, the others none. */
  factory(inner: StreamConsumerFactory): StreamConsumerFactory {
    return (conn) => (this.owns(conn.id) ? new OwnedConsumer(inner(conn), this) : this.discard);
  }

  /** Between the TLS / QUIC stages and the analyzer: keys each owned connection, drops the QUIC
   * connections of other workers (QUIC is decoded by every worker). */
  observer(inner: TlsObserver): TlsObserver {
    return {
      event: (conn: TcpConnection, facts: TlsFacts, ev: TlsEvent) => {
        if (facts.quic === undefined || this.owns(conn.id)) inner.event?.(conn, facts, ev);
      },
      complete: (conn: TcpConnection, facts: TlsFacts) => {
        let origin: number;
        if (facts.quic !== undefined) {
          this.tick++;
          this.quicDone++;
          if (!this.owns(conn.id)) return;
          origin = this.tick;
        } else {
          origin = this.origin.get(conn.id) ?? this.tick;
          this.origin.delete(conn.id);
        }
        this.key = [this.tick, origin];
        inner.complete(conn, facts);
      },
    };
  }
}
