/**
 * Counts for the stats view, kept up to date as connections arrive (and leave, when a live
 * snapshot is replaced): alerts by name, versions, client-certificate status, verdicts, and the
 * handshake start times for the "handshakes over time" line.
 */
import { connectionKey, type ConnectionModel } from '../../analysis/model.js';
import { certStatusLabel, VERDICT_LABEL } from './rows.js';

export interface Count {
  label: string;
  value: number;
}

const MAX_KEYS = 1000;

class Counter {
  private readonly m = new Map<string, number>();

  add(key: string, d: number): void {
    const v = (this.m.get(key) ?? 0) + d;
    if (v <= 0) this.m.delete(key);
    else if (this.m.has(key) || this.m.size < MAX_KEYS) this.m.set(key, v);
  }

  /** Largest first, ties by label. */
  sorted(): Count[] {
    return [...this.m.entries()]
      .map(([label, value]) => ({ label, value }))
      .sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }
}

function startMs(c: ConnectionModel): number {
  const t = Date.parse(c.startTime);
  return Number.isFinite(t) ? t : NaN;
}

export class StatsModel {
  readonly alerts = new Counter();
  readonly versions = new Counter();
  readonly certStatus = new Counter();
  readonly verdicts = new Counter();
  private readonly starts = new Map<number, number>();
  connections = 0;

  /** Count a connection (`sign` -1 removes it again, for replaced live snapshots). */
  add(c: ConnectionModel, sign: 1 | -1 = 1): void {
    this.connections += sign;
    this.verdicts.add(VERDICT_LABEL[c.verdict], sign);
    if (!c.isTls) return;
    this.versions.add(c.version ?? 'unknown', sign);
    this.certStatus.add(certStatusLabel(c), sign);
    for (const a of c.alerts) this.alerts.add(a.description ?? `alert ${a.code ?? '?'}`, sign);
    const t = startMs(c);
    if (sign > 0 && Number.isFinite(t)) this.starts.set(connectionKey(c), t);
    else if (sign < 0) this.starts.delete(connectionKey(c));
  }

  /**
   * Handshakes per time bucket: `n` equal buckets from the first start to `end` (default: the last
   * start). Returns the counts and the bucket length in milliseconds.
   */
  timeline(n: number, end?: number): { counts: number[]; bucketMs: number; from: number } {
    const counts = new Array<number>(Math.max(1, n)).fill(0);
    if (this.starts.size === 0) return { counts, bucketMs: 0, from: 0 };
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of this.starts.values()) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    if (end !== undefined && end > hi) hi = end;
    const span = Math.max(1, hi - lo);
    const bucketMs = span / counts.length;
    for (const t of this.starts.values()) {
      const i = Math.min(counts.length - 1, Math.floor((t - lo) / bucketMs));
      counts[i]++;
    }
    return { counts, bucketMs, from: lo };
  }
}

/** Compact duration for axis labels: "250 ms", "1.5 s", "2.0 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * A count table as aligned text lines ("unknown_ca    2 ####"): the label, the number, and a bar
 * scaled to the largest count when `width` leaves room for one (readable without colour).
 */
export function countLines(title: string, counts: Count[], width: number, max = 20, barChar = '#'): string[] {
  const out = [title];
  if (counts.length === 0) out.push('  (none)');
  const numW = Math.max(1, ...counts.map((c) => String(c.value).length));
  const longest = Math.max(4, ...counts.map((c) => c.label.length));
  const room = width - numW - 3;
  const labelW = Math.max(4, Math.min(longest, room - 5 >= 8 ? room - 5 : room));
  const barW = Math.max(0, Math.min(30, room - labelW - 1));
  const peak = Math.max(1, ...counts.map((c) => c.value));
  for (const c of counts.slice(0, max)) {
    const label = c.label.length > labelW ? `${c.label.slice(0, labelW - 1)}…` : c.label.padEnd(labelW);
    const bar = barW > 0 ? ` ${barChar.repeat(Math.max(1, Math.round((c.value / peak) * barW)))}` : '';
    out.push(`  ${label} ${String(c.value).padStart(numW)}${bar}`);
  }
  if (counts.length > max) out.push(`  (+${counts.length - max} more)`);
  return out;
}
