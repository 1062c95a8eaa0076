/**
 * The one place a TLS connection's events and warnings are written (into its TlsFacts): appended
 * in wire order, capped, announced to the observer; events of records that are read again later
 * (kept for late secrets, 0-RTT early data) are retracted and the log put back into wire order;
 * a warning whose cause went away (the missing secret arrived) is withdrawn.
 */
import type { Side, TcpConnection } from '../tcp/types.js';
import { directionOf, type TlsEvent, type TlsFacts, type TlsObserver } from './events.js';
import { warning, type StageWarning, type WarningCode } from '../warning-codes.js';

/** Warnings kept per connection; further ones are only counted. */
export const MAX_WARNINGS = 50;

export class EventLog {
  constructor(
    private readonly facts: TlsFacts,
    private readonly maxEvents: number,
    private readonly conn: TcpConnection,
    private readonly observer: TlsObserver,
  ) {}

  /** Appends an event (over the cap it is only counted) and announces it. */
  push(ev: TlsEvent): void {
    const f = this.facts;
    if (f.events.length >= this.maxEvents) {
      f.eventsDropped++;
      return;
    }
    f.events.push(ev);
    this.observer.event?.(this.conn, f, ev);
  }

  /** Takes events out of the log: the records they stood for are about to be read again. */
  retract(events: Iterable<TlsEvent | null>): void {
    const drop = new Set<TlsEvent | null>(events);
    drop.delete(null);
    if (drop.size === 0) return;
    this.facts.events = this.facts.events.filter((e) => !drop.has(e));
  }

  /**
   * Back to wire order after records read again were appended: by frame (a frame carries one
   * direction), then stream offset, then the order they were logged in.
   */
  toWireOrder(): void {
    const f = this.facts;
    f.events = f.events
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.frame - b.e.frame || a.e.streamOffset - b.e.streamOffset || a.i - b.i)
      .map((x) => x.e);
  }

  /** Adds a warning about one direction (its text prefixed with the direction); returns it
   * (null when over the cap). `frame` / `offset` when the warning concerns one (0 / -1: none). */
  warn(side: Side, code: WarningCode, msg: string, frame?: number, offset?: number): StageWarning | null {
    const f = this.facts;
    if (f.warnings.length >= MAX_WARNINGS) {
      f.warningsDropped++;
      return null;
    }
    const w = warning(code, `${directionOf(side, f.clientSide)}: ${msg}`, frame, offset, side);
    f.warnings.push(w);
    return w;
  }

  /** Warnings that no longer hold (the secret they said was missing arrived): by code, frame and
   * direction, never by their text. */
  withdraw(warnings: readonly StageWarning[]): void {
    const f = this.facts;
    for (const w of warnings) {
      const i = f.warnings.findIndex((x) => x.code === w.code && x.side === w.side && x.frame === w.frame);
      if (i >= 0) f.warnings.splice(i, 1);
    }
  }
}
