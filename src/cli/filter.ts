/**
 * Which connections are reported: the shortcuts `--host`, `--port`, `--only` (repeatable: a
 * connection must match every one given) and the display filter `-Y EXPR`, all combined with AND.
 * The same filter serves `file` and `live`, reports and the TUI.
 */
import type { ConnectionModel, SummaryFilter } from '../analysis/model.js';
import { compileDisplayFilter, parseDisplayFilter, type CompiledFilter } from '../analysis/display-filter.js';
import { UsageError } from './errors.js';

export const ONLY_FILTERS = ['failed', 'mtls', 'tls13', 'alerts', 'quic'] as const;
export type OnlyFilter = (typeof ONLY_FILTERS)[number];

export interface FilterArgs {
  host?: string;
  port?: number;
  only?: OnlyFilter[] | OnlyFilter;
  /** -Y EXPR */
  displayFilter?: string;
}

const ONLY: Record<OnlyFilter, (c: ConnectionModel) => boolean> = {
  failed: (c) => c.verdict === 'failed',
  mtls: (c) => c.clientCertificate.requested === true || c.clientCertificate.status === 'sent',
  tls13: (c) => c.version === 'TLS 1.3',
  alerts: (c) => c.alerts.length > 0,
  quic: (c) => c.transport === 'quic',
};

const quote = (s: string) => (/^[\w.:/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** -Y text -> compiled filter; a syntax error is one line with the column. */
export function compileFilterArg(text: string): CompiledFilter {
  const r = parseDisplayFilter(text);
  if (!r.ok) throw new UsageError(`-Y ${quote(text)}: column ${r.column}: ${r.message}`);
  return compileDisplayFilter(text, r.node);
}

export class ConnectionFilter {
  private readonly host?: string;
  private readonly only: OnlyFilter[];
  private readonly display?: CompiledFilter;
  /** Connections tested / kept. */
  tested = 0;
  matched = 0;

  constructor(private readonly a: FilterArgs) {
    this.host = a.host?.toLowerCase();
    this.only = a.only === undefined ? [] : Array.isArray(a.only) ? a.only : [a.only];
    if (a.displayFilter !== undefined) this.display = compileFilterArg(a.displayFilter);
  }

  /** Any filter given. */
  get active(): boolean {
    return this.host !== undefined || this.a.port !== undefined || this.only.length > 0 || this.display !== undefined;
  }

  /** Tests without counting (the TUI re-tests rows). */
  matches(c: ConnectionModel): boolean {
    const h = this.host;
    if (h !== undefined && c.client.ip.toLowerCase() !== h && c.server.ip.toLowerCase() !== h && c.serverName?.toLowerCase() !== h) return false;
    if (this.a.port !== undefined && c.client.port !== this.a.port && c.server.port !== this.a.port) return false;
    for (const o of this.only) if (!ONLY[o](c)) return false;
    return this.display === undefined || this.display.test(c);
  }

  /** Tests and counts. */
  test(c: ConnectionModel): boolean {
    this.tested++;
    const ok = this.matches(c);
    if (ok) this.matched++;
    return ok;
  }

  /** The filter as the user gave it. */
  description(): string {
    const parts: string[] = [];
    if (this.a.host !== undefined) parts.push(`--host ${quote(this.a.host)}`);
    if (this.a.port !== undefined) parts.push(`--port ${this.a.port}`);
    for (const o of this.only) parts.push(`--only ${o}`);
    if (this.display) parts.push(`-Y ${quote(this.display.text)}`);
    return parts.join(' ');
  }

  /** -Y fields that no tested connection had. */
  unknownFields(): string[] {
    return this.display ? this.display.fields.filter((f) => !this.display!.seen.has(f)) : [];
  }

  summary(): SummaryFilter {
    const f: SummaryFilter = { description: this.description(), matched: this.matched, tested: this.tested };
    const u = this.unknownFields();
    if (u.length > 0) f.unknownFields = u;
    return f;
  }
}

/** Compatibility: the predicate alone. */
export function connectionFilter(a: FilterArgs): (c: ConnectionModel) => boolean {
  const f = new ConnectionFilter(a);
  return (c) => f.matches(c);
}
