/**
 * `--format text`: per connection a header, the compact ladder, the client-certificate sentence,
 * the diagnoses and warnings; then the summary. Colour only when asked (TTY and no NO_COLOR).
 */
import type { ConnectionModel, ReportModel, SummaryModel } from '../analysis/model.js';
import { ladderLines } from './ladder.js';
import { sanitizeTerminal as san } from './sanitize.js';

export interface TextOptions {
  color: boolean;
  /** Omit the ladder (one block per connection with only the verdict lines). */
  brief?: boolean;
  /** Also print the fingerprints (JA4, JA4_r, JA3, JA3S). */
  details?: boolean;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', off: '\x1b[0m' };

export class Painter {
  constructor(private readonly on: boolean) {}
  paint(code: keyof typeof ANSI, s: string): string {
    return this.on ? `${ANSI[code]}${s}${ANSI.off}` : s;
  }
}

const VERDICT_COLOR: Record<ConnectionModel['verdict'], keyof typeof ANSI> = {
  ok: 'green',
  'mtls-ok': 'green',
  failed: 'red',
  warning: 'yellow',
  incomplete: 'yellow',
  'not-tls': 'dim',
};

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function connectionHeader(c: ConnectionModel): string {
  const parts = [`#${c.id}`, `${ep(c.client)} -> ${ep(c.server)}`];
  if (!c.isTls) parts.push('not TLS');
  if (c.version) parts.push(c.version);
  if (c.cipherSuite) parts.push(c.cipherSuite);
  if (c.serverName !== undefined) parts.push(`SNI ${san(c.serverName)}`);
  if (c.alpn !== undefined) parts.push(`ALPN ${san(c.alpn)}`);
  parts.push(`frames ${c.firstFrame}-${c.lastFrame}`);
  return parts.join('  ');
}

/** Per-connection TCP facts: packets, reassembled bytes, retransmissions, gaps (each way). */
export function tcpLine(c: ConnectionModel): string {
  const t = c.tcp;
  const gaps = t.gaps.clientToServer + t.gaps.serverToClient;
  return (
    `TCP: client->server ${t.packets.clientToServer} packets ${t.bytes.clientToServer} bytes, ` +
    `server->client ${t.packets.serverToClient} packets ${t.bytes.serverToClient} bytes; ` +
    `${t.retransmissions.clientToServer + t.retransmissions.serverToClient} retransmissions, ${gaps} gap${gaps === 1 ? '' : 's'}` +
    (gaps > 0 ? ` (${t.gapBytes.clientToServer + t.gapBytes.serverToClient} bytes missing)` : '') +
    (t.closedBy ? `; closed by ${t.closedBy}` : '')
  );
}

/** `fingerprints: JA4 … JA3 … JA3S …` and the raw JA4_r (computed strings: hex, digits, `_`, `,`). */
export function fingerprintLines(c: ConnectionModel): string[] {
  const f = c.fingerprints;
  if (!f) return [];
  const parts: string[] = [];
  if (f.ja4 !== undefined) parts.push(`JA4 ${f.ja4}`);
  if (f.ja3 !== undefined) parts.push(`JA3 ${f.ja3}`);
  if (f.ja3s !== undefined) parts.push(`JA3S ${f.ja3s}`);
  const out = [`  fingerprints: ${parts.join('  ')}`];
  if (f.ja4_r !== undefined) out.push(`      JA4_r: ${f.ja4_r}`);
  return out;
}

export function renderConnectionText(c: ConnectionModel, opt: TextOptions): string {
  const p = new Painter(opt.color);
  const out: string[] = [];
  out.push(`${p.paint('bold', connectionHeader(c))}  ${p.paint(VERDICT_COLOR[c.verdict], `[${c.verdict}]`)}`);
  if (!c.isTls) {
    out.push(`  ${tcpLine(c)}`);
    return out.join('\n');
  }
  if (!opt.brief && c.events.length > 0) {
    out.push(`  ${'frame'.padStart(6)}  ${'time'.padStart(9)}  client${' '.repeat(52)}server`);
    for (const l of ladderLines(c)) {
      let text = l.text;
      if (l.isAlert) text = p.paint('red', text);
      else if (l.isClientCertificate) text = p.paint('cyan', text);
      out.push(`  ${String(l.frame).padStart(6)}  ${l.relTime.toFixed(6).padStart(9)}  ${text}`);
    }
  }
  if (c.startTls) out.push(`  STARTTLS: TLS starts after ${c.startTls.clientToServer} plaintext bytes from the client`);
  out.push(p.paint('dim', `  ${tcpLine(c)}`));
  if (opt.details && c.fingerprints) out.push(...fingerprintLines(c));
  const cc = c.clientCertificate;
  const ccLine = `  client certificate: ${san(cc.sentence ?? cc.status)}`;
  out.push(cc.status === 'empty' || cc.status === 'not-sent' || cc.status === 'malformed' ? p.paint('yellow', ccLine) : ccLine);
  for (const d of c.diagnoses) {
    const sev = d.severity === 'error' ? p.paint('red', 'error') : d.severity === 'warning' ? p.paint('yellow', 'warning') : 'info';
    out.push(`  ${sev} ${d.code}: ${san(d.summary)}`);
    if (d.explanation) out.push(`      why: ${san(d.explanation)}`);
    if (d.fix && d.severity !== 'info') out.push(`      fix: ${san(d.fix)}`);
    if (d.evidenceFrames.length > 0) out.push(`      evidence: frame${d.evidenceFrames.length > 1 ? 's' : ''} ${d.evidenceFrames.join(', ')}`);
  }
  for (const w of c.warnings.slice(0, 10)) out.push(p.paint('dim', `  warning: ${san(w)}`));
  if (c.warnings.length > 10) out.push(p.paint('dim', `  (+${c.warnings.length - 10} more warnings)`));
  return out.join('\n');
}

function countsLine(rec: Record<string, number>): string {
  const e = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${san(k)} ${v}`).join(', ');
}

export function renderSummaryText(s: SummaryModel, report: Pick<ReportModel, 'source'>, opt: TextOptions): string {
  const p = new Painter(opt.color);
  const src = report.source;
  const out: string[] = [];
  out.push(p.paint('bold', 'Summary'));
  out.push(`  source: ${src.path !== undefined ? `${san(src.path)} (${src.kind})` : src.kind}, ${src.packets} frames`);
  out.push(`  connections: ${s.connections} TCP, ${s.tlsConnections} TLS`);
  out.push(`  verdicts: ${countsLine(s.verdicts)}`);
  out.push(`  client certificates: ${countsLine(s.clientCertificates)}`);
  out.push(`  alerts: ${countsLine(s.alerts)}`);
  out.push(`  diagnoses: ${countsLine(s.diagnoses)}`);
  if (s.captureEngine !== undefined) {
    const n = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a (the engine cannot tell)' : String(v));
    out.push(`  capture loss (${san(s.captureEngine)}): kernel drops ${n(s.kernelDrops)}, interface drops ${n(s.interfaceDrops)}, shed by tls-inspect ${s.packetsShed ?? 0}`);
  }
  if (s.connectionsWithGaps > 0 || s.captureEngine !== undefined) out.push(`  connections with capture gaps: ${s.connectionsWithGaps}`);
  if (Object.keys(s.clientCertSubjects).length > 0) out.push(`  client certificate subjects: ${countsLine(s.clientCertSubjects)}`);
  if (s.failingPairs.length > 0) {
    out.push('  top failing client -> server pairs:');
    for (const f of s.failingPairs.slice(0, 5)) out.push(`    ${san(f.client)} -> ${san(f.server)}: ${f.failures}`);
  }
  if (src.keylogSecretsLoaded !== undefined) out.push(`  key-log secrets loaded: ${src.keylogSecretsLoaded}`);
  if (src.skipped && Object.keys(src.skipped).length > 0) out.push(`  skipped frames: ${countsLine(src.skipped)}`);
  for (const w of src.warnings.slice(0, 20)) out.push(p.paint('yellow', `  warning: ${san(w)}`));
  return out.join('\n');
}

export function renderReportText(r: ReportModel, opt: TextOptions): string {
  const blocks = r.connections.map((c) => renderConnectionText(c, opt));
  if (blocks.length === 0) blocks.push('No TLS connections found (use --all to list every TCP connection).');
  blocks.push(renderSummaryText(r.summary, r, opt));
  return `${blocks.join('\n\n')}\n`;
}
