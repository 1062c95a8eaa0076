/** Text report options, colours, and the verdict as printed (shared by the full and brief text). */
import type { ConnectionModel } from '../analysis/model.js';
import type { Instant, TimeFormat } from './time-column.js';

export interface TextOptions {
  color: boolean;
  /** One line per connection (renderBriefLine), then a one-line summary. */
  brief?: boolean;
  /** The ladder's time column (tshark's -t); default r, since the capture's first packet. */
  time?: TimeFormat;
  /** The capture's first packet (for -t r). */
  captureStart?: Instant;
  /** Wrap lines (except ladder rows) to this many columns; undefined: no wrapping. */
  width?: number;
  /** Also print the fingerprints (JA4, JA4_r, JA3, JA3S). */
  details?: boolean;
  /** Leave out the Fixes part (several captures: it is printed once, before the overall summary). */
  noFixes?: boolean;
}

export const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', off: '\x1b[0m' };

export class Painter {
  constructor(private readonly on: boolean) {}
  paint(code: keyof typeof ANSI, s: string): string {
    return this.on ? `${ANSI[code]}${s}${ANSI.off}` : s;
  }
}

export type ANSI_NAME = keyof typeof ANSI;

/** The verdict rests on inferred evidence only (the TLS 1.3 size inference, a guessed orientation ...),
 * as the analysis marks it (verdictInferred), or on inferred diagnoses alone. */
export function verdictInferred(c: ConnectionModel): boolean {
  if (c.verdictInferred === true) return true;
  if (c.verdict === 'failed' || c.verdict === 'warning') {
    const sev = c.verdict === 'failed' ? 'error' : 'warning';
    if (c.verdict === 'failed' && c.alerts.some((a) => a.level === 'fatal' && a.visibility !== 'inferred')) return false;
    const ds = c.diagnoses.filter((d) => d.severity === sev);
    return ds.length > 0 && ds.every((d) => d.inferred === true);
  }
  return c.verdict === 'mtls-ok' && c.clientCertificate.visibility === 'inferred';
}

/** The verdict as text reports print it: `mtls-ok?` when it rests on inferred evidence only. */
export function verdictText(c: ConnectionModel): string {
  return verdictInferred(c) ? `${c.verdict}?` : c.verdict;
}

/** The verdict in words (Markdown, HTML, --brief): `mtls-ok (inferred)` when it rests on inferred evidence only. */
export function verdictWords(c: ConnectionModel): string {
  return verdictInferred(c) ? `${c.verdict} (inferred)` : c.verdict;
}

