/**
 * A report in pieces that can be written as connections finish (HTML and Markdown start with an
 * overview table, so every row must be known first): the CLI keeps rows and sections in two
 * spools (src/report/json-spool.ts) and writes head + rows + middle + sections + tail at the end.
 */
import type { ConnectionModel, ReportModel } from '../analysis/model.js';

export interface ReportParts {
  head(r: Omit<ReportModel, 'connections'>, connections: number): string;
  row(c: ConnectionModel): string;
  middle(): string;
  section(c: ConnectionModel): string;
  tail(r: Omit<ReportModel, 'connections'>): string;
}

/** The whole report from its parts (the same bytes the streamed pieces add up to). */
export function joinParts(p: ReportParts, r: ReportModel): string {
  return p.head(r, r.connections.length) + r.connections.map(p.row).join('') + p.middle() + r.connections.map(p.section).join('') + p.tail(r);
}

