/**
 * `--format markdown`: a summary table, then per connection the ladder (a mermaid sequenceDiagram,
 * which GitHub renders: ./markdown-mermaid.ts), the client-certificate sentence and the diagnoses
 * with their evidence; a Fixes section (each code's explanation and fix once) before the summary.
 * Wire strings escaped.
 */
import type { ConnectionModel, ReportModel } from '../analysis/model.js';
import { connectionHeader, quicLine } from './text.js';
import { mermaidLadder } from './markdown-mermaid.js';
import { joinParts, type ReportParts } from './report-parts.js';
import { verdictWords } from './paint.js';
import { escapeMarkdown as md, escapeMarkdownCell as cell } from './sanitize.js';
import { fixEntries } from './fixes.js';

function table(head: string[], rows: string[][]): string {
  const out = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

function counts(rec: Record<string, number>): string {
  const e = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${md(k)}: ${v}`).join(', ');
}

function connectionSection(c: ConnectionModel): string {
  const out: string[] = [];
  out.push(`### ${md(connectionHeader(c))} — ${verdictWords(c)}`);
  if (c.events.length > 0) {
    out.push(...mermaidLadder(c));
  }
  if (c.quic) out.push(`**${md(quicLine(c))}**`, '');
  out.push(`**Client certificate:** ${md(c.clientCertificate.sentence ?? c.clientCertificate.status)}`);
  const chain = c.clientCertificate.chain ?? [];
  if (chain.length > 0) {
    out.push('');
    out.push(
      table(
        ['#', 'subject', 'issuer', 'valid', 'EKU', 'SHA-256'],
        chain.map((x, i) => [String(i), cell(x.subject), cell(x.issuer), `${x.notBefore} – ${x.notAfter}`, cell((x.extendedKeyUsage ?? []).join(', ')), `\`${x.sha256.slice(0, 16)}…\``]),
      ),
    );
  }
  for (const d of c.diagnoses) {
    out.push('');
    out.push(`- **${d.severity} \`${d.code}\`** — ${md(d.summary)} ([why and fix](#${d.code}))`);
    for (const e of d.evidence ?? []) out.push(`  - ${md(e)}`);
    if (d.evidenceFrames.length > 0) out.push(`  - *Evidence:* frames ${d.evidenceFrames.join(', ')}`);
  }
  for (const w of c.warnings.slice(0, 10)) out.push(`- warning: ${md(w.message)}`);
  return out.join('\n');
}

const OVERVIEW_HEAD = ['id', 'client', 'server', 'SNI', 'version', 'client cert', 'last alert', 'verdict'];

/** The Markdown report in pieces (see ReportParts in ./html.ts). */
export const MARKDOWN_PARTS: ReportParts = {
  head: (r) => `# tls-inspect report: ${md(r.source.path ?? r.source.kind)}\n\n${table(OVERVIEW_HEAD, [])}`,
  row: (c) =>
    `\n| ${[
      c.transport === 'quic' ? `${c.id} (QUIC)` : String(c.id),
      cell(`${c.client.ip}:${c.client.port}`),
      cell(`${c.server.ip}:${c.server.port}`),
      cell(c.serverName ?? ''),
      c.version ?? '',
      c.clientCertificate.status,
      cell(c.alerts.length > 0 ? (c.alerts[c.alerts.length - 1].description ?? '') : ''),
      verdictWords(c),
    ].join(' | ')} |`,
  middle: () => '\n\n## Connections',
  section: (c) => `\n\n${connectionSection(c)}`,
  tail(r) {
    const s = r.summary;
    const out: string[] = [];
    const quic = s.quicConnections ?? 0;
    out.push(`- Frames: ${r.source.packets}; TCP connections: ${s.connections - quic};${quic > 0 ? ` QUIC connections: ${quic};` : ''} TLS connections: ${s.tlsConnections}`);
    out.push(`- Verdicts: ${counts(s.verdicts)}`);
    out.push(`- Client certificates: ${counts(s.clientCertificates)}`);
    out.push(`- Alerts: ${counts(s.alerts)}`);
    out.push(`- Diagnoses: ${counts(s.diagnoses)}`);
    out.push(`- Client certificate subjects: ${counts(s.clientCertSubjects)}`);
    if (s.failingPairs.length > 0) {
      out.push(`- Top failing pairs: ${s.failingPairs.slice(0, 5).map((p) => `${md(p.client)} → ${md(p.server)} (${p.failures})`).join(', ')}`);
    }
    for (const w of r.source.warnings.slice(0, 20)) out.push(`- Capture warning: ${md(w.message)}`);
    const fixes = fixEntries(s).flatMap(({ code, entry, sameFixAs }) => [
      '',
      `### ${code}`,
      '',
      `${md(entry.explanation)} (${md(entry.rfc)})`,
      '',
      `*Fix:* ${sameFixAs ? `as for [${sameFixAs}](#${sameFixAs})` : md(entry.fix)}`,
    ]);
    const fixPart = fixes.length > 0 ? `\n\n## Fixes\n${fixes.join('\n')}` : '';
    return `${fixPart}\n\n## Summary\n\n${out.join('\n')}\n`;
  },
};

export function renderReportMarkdown(r: ReportModel): string {
  return joinParts(MARKDOWN_PARTS, r);
}
