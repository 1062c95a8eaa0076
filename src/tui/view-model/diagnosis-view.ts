/**
 * Text blocks about one connection: the diagnosis pane (each diagnosis with its evidence, and the
 * catalogue's explanation and fix of its code), the client-certificate box, the one-line title and the preview under the table.
 * All wrapped to a width; wire strings made terminal-safe.
 */
import type { ConnectionModel } from '../../analysis/model.js';
import { DIAGNOSIS_CATALOGUE } from '../../analysis/diagnosis-catalogue.js';
import { displayText as san } from './text.js';
import { clientCertPath } from './cert-path.js';
import { verdictLabel } from './rows.js';
import { seg, type Style, type StyledLine } from './styled.js';
import { endpoint, wrap } from './text.js';

function wrapped(text: string, width: number, style?: Style, indent = ''): StyledLine[] {
  return wrap(text, width, indent).map((l) => [seg(l, style)]);
}

function labelled(label: string, raw: string, width: number, style?: Style): StyledLine[] {
  const text = raw.replace(/ +/g, ' ').trim();
  const hang = label.length <= 12 ? label.length : 2;
  if (width - hang < 12) return wrapped(`${label}${text}`, width, style);
  const pad = ' '.repeat(hang);
  const first = wrap(text, width - label.length)[0] ?? '';
  const rest = text.slice(first.length).trim();
  const out: StyledLine[] = [[seg(label, 'bold'), seg(first, style)]];
  if (rest !== '') for (const l of wrap(rest, width - hang)) out.push([seg(pad), seg(l, style)]);
  return out;
}

export function diagnosisLines(c: ConnectionModel, width: number): StyledLine[] {
  const out: StyledLine[] = [];
  if (c.diagnoses.length === 0) {
    out.push(...wrapped(c.isTls ? `No problem found (verdict: ${verdictLabel(c)}).` : 'Not a TLS connection.', width, 'ok'));
  }
  // the catalogue's why and fix, once per code and once per fix text in this connection
  const shownCodes = new Set<string>();
  const shownFixes = new Map<string, string>();
  for (const d of c.diagnoses) {
    const sev: Style = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info';
    const head = `${d.severity.toUpperCase()} ${d.code}${d.inferred ? ' (inferred)' : ''}: `;
    out.push(...labelled(head, san(d.summary), width, sev));
    if (d.evidence && d.evidence.length > 0) out.push(...labelled('  evidence: ', d.evidence.map(san).join('; '), width));
    if (d.evidenceFrames.length > 0) out.push(...labelled('  frames: ', d.evidenceFrames.join(', '), width));
    const entry = DIAGNOSIS_CATALOGUE[d.code];
    if (entry && !shownCodes.has(d.code)) {
      shownCodes.add(d.code);
      out.push(...labelled('  why: ', `${entry.explanation} (${entry.rfc})`, width));
      const same = shownFixes.get(entry.fix);
      out.push(...labelled('  fix: ', same ? `as for ${same} above` : entry.fix, width));
      if (!same) shownFixes.set(entry.fix, d.code);
    }
    out.push([seg('')]);
  }
  if (c.warnings.length > 0) {
    out.push([seg('Warnings', 'header')]);
    for (const w of c.warnings.slice(0, 50)) out.push(...wrapped(`- ${san(w.message)}`, width, 'warning', '  '));
    if (c.warnings.length > 50) out.push([seg(`(+${c.warnings.length - 50} more)`, 'dim')]);
  }
  return out;
}

/** The client-certificate box: the layer path (or the reason there is none) and the accepted CAs. */
export function clientCertLines(c: ConnectionModel, width: number): StyledLine[] {
  const p = clientCertPath(c);
  const style: Style = p.status === 'sent' ? 'client-cert' : p.status === 'EMPTY' || p.status === 'MALFORMED' || p.status === 'not sent' ? 'warning' : 'plain';
  const out = wrapped(p.sentence, width, style, '  ');
  if (p.accepted && p.accepted.length > 0) {
    out.push(...wrapped(`Server accepts client certificates issued by: ${p.accepted.join('; ')}`, width, undefined, '  '));
  } else if (p.accepted) {
    out.push(...wrapped('The server named no acceptable CAs.', width));
  }
  return out;
}

/** "[FAILED] #4 127.0.0.1:46028 -> 127.0.0.1:44302  TLS 1.2  ...  SNI localhost  frames 63-73" */
export function connectionTitle(c: ConnectionModel): StyledLine {
  const parts = [`#${c.id} ${san(endpoint(c.client))} -> ${san(endpoint(c.server))}`];
  if (c.orientation?.inferred) parts.push('(client/server guessed)');
  if (c.quic) parts.push(`${san(c.quic.version)} (udp.stream ${c.quic.udpStream})`);
  if (c.version) parts.push(san(c.version));
  if (c.cipherSuite) parts.push(san(c.cipherSuite));
  if (c.serverName !== undefined) parts.push(`SNI ${san(c.serverName)}`);
  if (c.alpn !== undefined) parts.push(`ALPN ${san(c.alpn)}`);
  parts.push(`frames ${c.firstFrame}-${c.lastFrame}`);
  return [seg(`[${verdictLabel(c)}]`, c.verdict), seg(` ${parts.join('  ')}`, 'bold')];
}

/** The lines under the table for the selected connection: client certificate and top diagnosis. */
export function previewLines(c: ConnectionModel, width: number, maxLines: number): StyledLine[] {
  const out: StyledLine[] = [];
  const p = clientCertPath(c);
  const style: Style = p.status === 'sent' ? 'client-cert' : p.status === 'EMPTY' || p.status === 'MALFORMED' || p.status === 'not sent' ? 'warning' : 'plain';
  out.push(...wrapped(p.sentence, width, style, '  ').slice(0, Math.max(1, maxLines - 1)));
  const d = c.diagnoses[0];
  if (d && out.length < maxLines) {
    const more = c.diagnoses.length > 1 ? ` (+${c.diagnoses.length - 1} more)` : '';
    out.push(...labelled(`${d.severity.toUpperCase()}: `, `${san(d.summary)}${more}`, width, d.severity === 'error' ? 'error' : 'warning').slice(0, maxLines - out.length));
  }
  return out;
}
