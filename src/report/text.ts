/**
 * `--format text`: per connection a header, the compact ladder, the client-certificate sentence,
 * the diagnoses and warnings; then the summary. Colour only when asked (TTY and no NO_COLOR).
 */
import type { ConnectionModel, ReportModel, SummaryFilter, SummaryModel } from '../analysis/model.js';
import { renderBriefLine, renderBriefSummary } from './brief.js';
import { ladderLines } from './ladder.js';
import { sanitizeTerminal as san } from './sanitize.js';
import { endpointText } from '../net/address.js';
import { timeCells } from './time-column.js';
import { wrapText } from './wrap.js';
import { Painter, verdictText, type ANSI_NAME, type TextOptions } from './paint.js';
import { fixEntries } from './fixes.js';

export { Painter, verdictInferred, verdictText, verdictWords, type TextOptions } from './paint.js';

const VERDICT_COLOR: Record<ConnectionModel['verdict'], ANSI_NAME> = {
  ok: 'green',
  'mtls-ok': 'green',
  failed: 'red',
  warning: 'yellow',
  incomplete: 'yellow',
  'not-tls': 'dim',
};

const ep = endpointText;


export function connectionHeader(c: ConnectionModel): string {
  const parts = [`#${c.id}`, `${ep(c.client)} -> ${ep(c.server)}`];
  if (c.orientation?.inferred) parts.push('(client/server guessed)');
  if (c.quic) parts.push(`${san(c.quic.version)} (udp.stream ${c.quic.udpStream})`);
  if (!c.isTls) parts.push('not TLS');
  if (c.version) parts.push(c.version);
  if (c.cipherSuite) parts.push(c.cipherSuite);
  if (c.serverName !== undefined) parts.push(`SNI ${san(c.serverName)}`);
  if (c.alpn !== undefined) parts.push(`ALPN ${san(c.alpn)}`);
  parts.push(`frames ${c.firstFrame}-${c.lastFrame}`);
  return parts.join('  ');
}

/** "INFERRED ... — <reasoning>" (src/analysis/client-cert.ts) -> the claim and its reasoning. */
function splitReasoning(sentence: string): { sentence: string; reasoning?: string } {
  const k = sentence.indexOf(' — ');
  if (k < 0 || !/^(INFERRED|unknown \(encrypted\))/.test(sentence)) return { sentence };
  const reasoning = sentence.slice(k + 3).trim();
  return reasoning.length >= 20 ? { sentence: sentence.slice(0, k), reasoning } : { sentence };
}

/** Per-connection TCP facts: packets, reassembled bytes, retransmissions, gaps (each way). */
export function tcpLine(c: ConnectionModel): string {
  if (c.quic) return quicLine(c);
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

/** QUIC connections: packets per type each way, Version Negotiation, Retry, CONNECTION_CLOSE. */
export function quicLine(c: ConnectionModel): string {
  const q = c.quic!;
  const per = (k: 'clientToServer' | 'serverToClient') =>
    Object.entries(q.packets).filter(([, n]) => n[k] > 0).map(([t, n]) => `${t} ${n[k]}`).join(', ') || 'no packets';
  const parts = [`QUIC: client->server ${per('clientToServer')}; server->client ${per('serverToClient')}`];
  const und = q.undecrypted.clientToServer + q.undecrypted.serverToClient;
  if (und > 0) parts.push(`${und} packet${und === 1 ? '' : 's'} not decrypted`);
  if (q.versionNegotiation) parts.push(`Version Negotiation in frame ${q.versionNegotiation.frame} (server offers ${q.versionNegotiation.versions.join(', ')})`);
  if (q.retry) parts.push(`Retry in frame ${q.retry.frame} (${q.retry.tokenLength}-byte token)`);
  // a closing endpoint repeats its CONNECTION_CLOSE (RFC 9000 §10.2.1): one line per sender and code
  const seen = new Map<string, { text: string; n: number }>();
  for (const x of q.closes) {
    const key = `${x.direction} ${x.errorCode} ${x.application}`;
    const s = seen.get(key);
    if (s) s.n++;
    else seen.set(key, { text: `CONNECTION_CLOSE ${x.direction} frame ${x.frame} (${x.packetType} packet ${x.packetNumber}): ${x.errorCode} ${x.error}${x.reason ? ` "${san(x.reason)}"` : ''}`, n: 1 });
  }
  for (const { text, n } of seen.values()) parts.push(n > 1 ? `${text} (${n} times)` : text);
  return parts.join('; ');
}

export function renderConnectionText(c: ConnectionModel, opt: TextOptions): string {
  const p = new Painter(opt.color);
  const out: string[] = [];
  // the header wraps between its fields, never inside one
  const head = wrapText(`${connectionHeader(c)}  [${verdictText(c)}]`, opt.width, '  ').split('\n');
  const verdict = `[${verdictText(c)}]`;
  const last = head.length - 1;
  head[last] = head[last].slice(0, head[last].length - verdict.length);
  const verdictPainted = p.paint(VERDICT_COLOR[c.verdict], verdict);
  // the verdict alone on the last line keeps that line's indent
  out.push(...head.map((l, i) => (i < last ? p.paint('bold', l) : l.trim() === '' ? `${l}${verdictPainted}` : `${p.paint('bold', l.trimEnd())}  ${verdictPainted}`)));
  if (!c.isTls) {
    out.push(`  ${tcpLine(c)}`);
    return out.map((l) => wrapText(l, opt.width)).join('\n');
  }
  // ladder rows keep their shape (arrows need their columns); everything else wraps
  const ladderFrom = out.length;
  if (c.events.length > 0) {
    const times = timeCells(c.events, opt.time ?? 'r', opt.captureStart);
    out.push(`  ${'frame'.padStart(6)}  ${'time'.padStart(times[0].length)}  client${' '.repeat(52)}server`);
    ladderLines(c).forEach((l, i) => {
      let text = l.text;
      if (l.isAlert) text = p.paint('red', text);
      else if (l.isClientCertificate) text = p.paint('cyan', text);
      out.push(`  ${String(l.frame).padStart(6)}  ${times[i]}  ${text}`);
    });
  }
  const ladderTo = out.length;
  if (c.startTls) out.push(`  STARTTLS: TLS starts after ${c.startTls.clientToServer} plaintext bytes from the client`);
  out.push(p.paint('dim', `  ${tcpLine(c)}`));
  if (opt.details && c.fingerprints) out.push(...fingerprintLines(c));
  const cc = c.clientCertificate;
  // the TLS 1.3 size inference's reasoning is printed once, not in every diagnosis that rests on it
  const { sentence, reasoning } = splitReasoning(cc.sentence ?? cc.status);
  const ccLine = `  client certificate: ${san(sentence)}`;
  out.push(cc.status === 'empty' || cc.status === 'not-sent' || cc.status === 'malformed' ? p.paint('yellow', ccLine) : ccLine);
  if (reasoning) out.push(`  inference: ${san(reasoning)}`);
  for (const d of c.diagnoses) {
    const sev = d.severity === 'error' ? p.paint('red', 'error') : d.severity === 'warning' ? p.paint('yellow', 'warning') : 'info';
    out.push(`  ${sev} ${d.code}: ${san(d.summary)}`);
    for (const e of d.evidence ?? []) out.push(`      - ${san(reasoning ? e.split(reasoning).join('see "inference" above') : e)}`);
    if (d.evidenceFrames.length > 0) out.push(`      evidence: frame${d.evidenceFrames.length > 1 ? 's' : ''} ${d.evidenceFrames.join(', ')}`);
  }
  for (const w of c.warnings.slice(0, 10)) out.push(p.paint('dim', `  warning: ${san(w.message)}`));
  if (c.warnings.length > 10) out.push(p.paint('dim', `  (+${c.warnings.length - 10} more warnings)`));
  return out.map((l, i) => (i >= ladderFrom && i < ladderTo ? l : wrapText(l, opt.width))).join('\n');
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
  const quic = s.quicConnections ?? 0;
  out.push(`  connections: ${s.connections - quic} TCP, ${quic > 0 ? `${quic} QUIC, ` : ''}${s.tlsConnections} TLS`);
  out.push(`  verdicts: ${countsLine(s.verdicts)}`);
  out.push(`  client certificates: ${countsLine(s.clientCertificates)}`);
  out.push(`  alerts: ${countsLine(s.alerts)}`);
  out.push(`  diagnoses: ${countsLine(s.diagnoses)}`);
  if (s.captureEngine !== undefined) {
    const n = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a (the engine cannot tell)' : String(v));
    out.push(`  capture loss (${san(s.captureEngine)}): kernel drops ${n(s.kernelDrops)}, interface drops ${n(s.interfaceDrops)}, shed by tls-inspect ${s.packetsShed ?? 0}`);
  }
  if (s.connectionsWithGaps > 0 || s.captureEngine !== undefined) out.push(`  connections with capture gaps: ${s.connectionsWithGaps}`);
  if (s.filter) out.push(`  filter: ${san(s.filter.description)} matched ${s.filter.matched} of ${s.filter.tested} connections (the counts are over those)`);
  if (s.clientCertIssuers && s.clientCertIssuers.length > 0) {
    out.push('  client certificates by subject and issuer:');
    for (const e of s.clientCertIssuers.slice(0, 10)) out.push(`    ${san(e.subject)} issued by ${san(e.issuer)}: ${e.connections}`);
    if (s.clientCertIssuers.length > 10) out.push(`    (+${s.clientCertIssuers.length - 10} more)`);
  } else if (Object.keys(s.clientCertSubjects).length > 0) out.push(`  client certificate subjects: ${countsLine(s.clientCertSubjects)}`);
  if (s.failingPairs.length > 0) {
    out.push('  top failing client -> server pairs:');
    for (const f of s.failingPairs.slice(0, 5)) out.push(`    ${san(f.client)} -> ${san(f.server)}: ${f.failures}`);
  }
  if (src.keylogSecretsLoaded !== undefined) out.push(`  key-log secrets loaded: ${src.keylogSecretsLoaded}`);
  if (src.skipped && Object.keys(src.skipped).length > 0) out.push(`  skipped frames: ${countsLine(src.skipped)}`);
  for (const w of src.warnings.slice(0, 20)) out.push(p.paint('yellow', `  warning: ${san(w.message)}`));
  return out.map((l) => wrapText(l, opt.width)).join('\n');
}

/** Each diagnosis code of the report once: why and what to change (before the summary; '' without diagnoses). */
export function renderFixesText(s: Pick<SummaryModel, 'diagnoses'>, opt: TextOptions): string {
  const entries = fixEntries(s);
  if (entries.length === 0) return '';
  const p = new Painter(opt.color);
  const out = [p.paint('bold', 'Fixes (why and what to change, once per diagnosis code above)')];
  for (const { code, entry, sameFixAs } of entries) {
    out.push(`  ${code} (${entry.rfc})`);
    out.push(`      why: ${entry.explanation}`);
    out.push(`      fix: ${sameFixAs ? `as for ${sameFixAs}` : entry.fix}`);
  }
  return out.map((l) => wrapText(l, opt.width)).join('\n');
}

/** What to say when no connection is reported. */
export function nothingReported(r: Pick<ReportModel, 'summary'>): string {
  const f = r.summary.filter;
  if (f && f.tested > 0) return noMatchSentence(f);
  return 'No TLS connections found (use --all to list every TCP connection).';
}

/** A filter that kept nothing, in one sentence. */
export function noMatchSentence(f: SummaryFilter): string {
  let s = `No connection matches ${san(f.description)}: 0 of ${f.tested} connection${f.tested === 1 ? '' : 's'}`;
  if (f.unknownFields && f.unknownFields.length > 0) {
    s += `; no connection has the field${f.unknownFields.length > 1 ? 's' : ''} ${f.unknownFields.join(', ')} (field names are the JSON paths of --format json)`;
  }
  return `${s}.`;
}

/** The text report from connection blocks rendered earlier (a spool's pieces: each block is
 * renderStreamed('text', c) — a block + "\n\n", or with --brief a line + "\n" — in id order):
 * the same bytes as renderReportText. */
export function* reportTextPieces(
  blocks: Iterable<string | Uint8Array>,
  count: number,
  r: Pick<ReportModel, 'source' | 'summary'>,
  opt: TextOptions,
): Generator<string | Uint8Array> {
  if (count === 0) yield `${nothingReported(r)}${opt.brief ? '\n' : '\n\n'}`;
  yield* blocks;
  if (opt.brief) {
    yield `${renderBriefSummary(r.summary, r)}\n`;
    return;
  }
  const fixes = opt.noFixes ? '' : renderFixesText(r.summary, opt);
  yield `${fixes ? `${fixes}\n\n` : ''}${renderSummaryText(r.summary, r, opt)}\n`;
}

export function renderReportText(r: ReportModel, opt: TextOptions): string {
  if (opt.brief) {
    const lines = r.connections.map((c) => renderBriefLine(c, opt));
    if (lines.length === 0) lines.push(nothingReported(r));
    lines.push(renderBriefSummary(r.summary, r));
    return `${lines.join('\n')}\n`;
  }
  const blocks = r.connections.map((c) => renderConnectionText(c, opt));
  if (blocks.length === 0) blocks.push(nothingReported(r));
  const fixes = renderFixesText(r.summary, opt);
  if (fixes) blocks.push(fixes);
  blocks.push(renderSummaryText(r.summary, r, opt));
  return `${blocks.join('\n\n')}\n`;
}
