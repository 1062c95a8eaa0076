/**
 * The ladder's time column, as tshark's `-t`: r = seconds since the capture's first packet
 * (frame.time_relative, the default, so frames can be cross-checked), a = time of day, ad = date
 * and time (both local time, as tshark), d = seconds since the previous line of the ladder,
 * c = seconds since the connection's first packet.
 */
import type { EventModel } from '../analysis/model.js';

export const TIME_FORMATS = ['r', 'a', 'ad', 'd', 'c'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export interface Instant {
  sec: number;
  nsec: number;
}

/** RFC 3339 UTC (as the model writes it) -> seconds and nanoseconds; undefined when unreadable. */
export function parseIsoInstant(iso: string): Instant | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return undefined;
  return { sec: Math.floor(ms / 1000), nsec: m[2] ? Number(m[2].padEnd(9, '0')) : 0 };
}

/** b - a in seconds, to the microsecond. */
function diff(a: Instant, b: Instant): number {
  return Math.round(((b.sec - a.sec) * 1e9 + (b.nsec - a.nsec)) / 1e3) / 1e6;
}

const two = (n: number) => String(n).padStart(2, '0');

function wallClock(t: Instant, withDate: boolean): string {
  const d = new Date(t.sec * 1000);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(Math.floor(t.nsec / 1000)).padStart(6, '0')}`;
  return withDate ? `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}` : time;
}

/**
 * The time cells of a connection's ladder, one per event, all of the same width. `captureStart`
 * is the capture's first packet (without it, r falls back to c).
 */
export function timeCells(events: EventModel[], format: TimeFormat, captureStart?: Instant): string[] {
  let prev: Instant | undefined;
  const cells = events.map((e) => {
    const rel = e.relTime ?? 0;
    const at = parseIsoInstant(e.time);
    let cell: string;
    if (format === 'c' || at === undefined) cell = rel.toFixed(6);
    else if (format === 'r') cell = captureStart ? diff(captureStart, at).toFixed(6) : rel.toFixed(6);
    else if (format === 'd') cell = (prev ? diff(prev, at) : 0).toFixed(6);
    else cell = wallClock(at, format === 'ad');
    if (at) prev = at;
    return cell;
  });
  const w = Math.max(9, ...cells.map((c) => c.length));
  return cells.map((c) => c.padStart(w));
}
