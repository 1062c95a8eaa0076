/** A StreamConsumer that records everything it is given (copies bytes) for assertions. */
import type {
  Side, StreamChunk, StreamConsumer, StreamGap, TcpConnection,
} from '../../../src/tcp/types.js';

export type Event =
  | { kind: 'data'; side: Side; offset: number; bytes: Uint8Array; frame: number }
  | { kind: 'gap'; side: Side; gap: StreamGap }
  | { kind: 'end'; side: Side; how: 'fin' | 'rst'; frame: number };

export interface Recorded {
  conn: TcpConnection;
  events: Event[];
  completed: boolean;
  /** Calls received after complete() (must stay 0). */
  afterComplete: number;
}

export class Recorder {
  readonly byId = new Map<number, Recorded>();
  readonly order: Recorded[] = [];

  readonly factory = (conn: TcpConnection): StreamConsumer => {
    const rec: Recorded = { conn, events: [], completed: false, afterComplete: 0 };
    if (this.byId.has(conn.id)) throw new Error(`connection id ${conn.id} created twice`);
    this.byId.set(conn.id, rec);
    this.order.push(rec);
    const guard = (): void => {
      if (rec.completed) rec.afterComplete++;
    };
    return {
      data(side: Side, chunk: StreamChunk) {
        guard();
        rec.events.push({ kind: 'data', side, offset: chunk.streamOffset, bytes: chunk.bytes.slice(), frame: chunk.frame });
      },
      gap(side: Side, gap: StreamGap) {
        guard();
        rec.events.push({ kind: 'gap', side, gap });
      },
      end(side: Side, how: 'fin' | 'rst', frame: number) {
        guard();
        rec.events.push({ kind: 'end', side, how, frame });
      },
      complete(c: TcpConnection) {
        guard();
        if (c !== conn) throw new Error('complete() with another connection object');
        rec.completed = true;
      },
    };
  };

  get(id: number): Recorded {
    const r = this.byId.get(id);
    if (r === undefined) throw new Error(`no connection ${id}`);
    return r;
  }
}

export interface SideView {
  /** Delivered bytes concatenated (gaps not included). */
  bytes: Uint8Array;
  gaps: StreamGap[];
  /** Throws when offsets are not contiguous (every byte delivered once or inside one gap). */
  end: number;
}

/** Rebuild one side's stream and check offsets are contiguous from 0. */
export function sideView(rec: Recorded, side: Side): SideView {
  const parts: Uint8Array[] = [];
  const gaps: StreamGap[] = [];
  let pos = 0;
  for (const ev of rec.events) {
    if (ev.side !== side || ev.kind === 'end') continue;
    const off = ev.kind === 'data' ? ev.offset : ev.gap.streamOffset;
    const len = ev.kind === 'data' ? ev.bytes.length : ev.gap.length;
    if (off !== pos) throw new Error(`side ${side}: event at offset ${off}, expected ${pos}`);
    if (len <= 0) throw new Error(`side ${side}: empty ${ev.kind} at ${off}`);
    if (ev.kind === 'data') parts.push(ev.bytes);
    else gaps.push(ev.gap);
    pos += len;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, gaps, end: pos };
}
