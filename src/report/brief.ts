/**
 * `--brief`: one line per connection — id, endpoints, version, SNI, the client certificate's status
 * (with its frame), the decisive alert (with who sent it and its frame), the verdict (inferred
 * marked), the first diagnosis code — and a one-line summary. Columns have fixed widths so that
 * 10,000 lines, streamed as connections finish, still line up.
 */
import type { ConnectionModel, EventModel, ReportModel, SummaryModel } from '../analysis/model.js';
import { isProblemAlert } from './ladder.js';
import { sanitizeTerminal as san } from './sanitize.js';
import { Painter, verdictInferred, type TextOptions } from './paint.js';

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The alert that decided the connection: the first one that is not a polite close. */
export function decisiveAlert(c: ConnectionModel): EventModel | undefined {
  return c.events.find(isProblemAlert);
}

function certCell(c: ConnectionModel): string {
  const cc = c.clientCertificate;
  const status = cc.status === 'empty' ? 'EMPTY' : cc.status;
  const mark = cc.visibility === 'inferred' ? '?' : '';
  return `cert ${status}${mark}${cc.frame !== undefined ? `@${cc.frame}` : ''}`;
}

function alertCell(c: ConnectionModel): string {
  const a = decisiveAlert(c);
  if (!a) return 'no alert';
  const who = a.direction === 'client->server' ? 'client' : 'server';
  const name = a.kind === 'alert' ? (a.description ?? `alert ${a.code ?? '?'}`) : 'alert?';
  return `${who} ${san(name)}${a.visibility === 'inferred' ? ' (inferred)' : ''}@${a.frame}`;
}

export function renderBriefLine(c: ConnectionModel, opt: TextOptions): string {
  const p = new Painter(opt.color);
  const verdict = `${c.verdict}${verdictInferred(c) ? ' (inferred)' : ''}`;
  const color = c.verdict === 'failed' ? 'red' : c.verdict === 'ok' || c.verdict === 'mtls-ok' ? 'green' : c.verdict === 'not-tls' ? 'dim' : 'yellow';
  const cells = [
    `#${c.id}`.padStart(6),
    `${ep(c.client)} -> ${ep(c.server)}`.padEnd(44),
    (c.isTls ? (c.version ?? '?') : 'not TLS').padEnd(7),
    (c.serverName !== undefined ? san(c.serverName) : '-').padEnd(20),
    certCell(c).padEnd(17),
    alertCell(c).padEnd(32),
    p.paint(color, verdict.padEnd(17)),
    c.diagnoses[0]?.code ?? '-',
  ];
  return cells.join(' ').trimEnd();
}

function counts(rec: Record<string, number>): string {
  const e = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${san(k)} ${v}`).join(', ');
}

/** The summary in one line (counts over the reported connections). */
export function renderBriefSummary(s: SummaryModel, r: Pick<ReportModel, 'source'>): string {
  const parts: string[] = [];
  if (s.filter) parts.push(`filter ${san(s.filter.description)}: ${s.filter.matched} of ${s.filter.tested} connections`);
  const quic = s.quicConnections ?? 0;
  parts.push(`${s.tlsConnections} TLS of ${s.connections - quic} TCP${quic > 0 ? ` + ${quic} QUIC` : ''} connections in ${r.source.packets} frames`);
  parts.push(`verdicts ${counts(s.verdicts)}`);
  parts.push(`client certificates ${counts(s.clientCertificates)}`);
  if (s.clientCertIssuers && s.clientCertIssuers.length > 0) {
    const top = s.clientCertIssuers.slice(0, 5).map((e) => `${san(e.subject)} from ${san(e.issuer)} ${e.connections}`);
    if (s.clientCertIssuers.length > 5) top.push(`+${s.clientCertIssuers.length - 5} more`);
    parts.push(`subject/issuer ${top.join(', ')}`);
  }
  parts.push(`diagnoses ${counts(s.diagnoses)}`);
  return `Summary: ${parts.join('; ')}`;
}
