/**
 * `--format html`: one self-contained file (inline CSS and SVG, one inline script allowed by its
 * CSP hash, no network fetches): a search box, the overview table (client-certificate status and
 * first diagnosis code per connection), then per connection the diagnoses first, the
 * client-certificate sentence, its issuer beside the CAs the server accepts, the ladder as an SVG
 * sequence diagram (./html-ladder-svg.ts) and the certificate chains.
 */
import { joinParts, type ReportParts } from './report-parts.js';
import type { ConnectionModel, ReportModel } from '../analysis/model.js';
import { decisiveAlert } from './ladder.js';
import { LADDER_SVG_CSS, ladderSvg } from './html-ladder-svg.js';
import { caComparison, certTable, PARTS_CSS, SEARCH_SCRIPT, SEARCH_SCRIPT_HASH, searchText } from './html-parts.js';
import { escapeHtml as h } from './sanitize.js';
import { fixAnchor, fixEntries } from './fixes.js';
import { endpointText } from '../net/address.js';
import { verdictWords } from './text.js';
import { quicLine } from './text.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#1d2430;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.25em;margin-top:2em}h3{font-size:1.05em;margin:0}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d5dae2;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef1f5}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.conn{border:1px solid #c9d0da;border-radius:6px;margin:1.2em 0;padding:.8em 1em}
.v-ok,.v-mtls-ok{color:#17803d}.v-failed{color:#c0262d}.v-warning,.v-incomplete{color:#b26b00}.v-not-tls{color:#777}
.badge{font-weight:600;padding:1px 6px;border-radius:4px;border:1px solid currentColor;font-size:12px}
.sentence{background:#f6f8fa;border-left:4px solid #5b6b80;padding:.4em .7em;margin:.6em 0}
.diag{margin:.5em 0;padding:.4em .7em;border-left:4px solid #999}.sev-error{border-color:#c0262d}.sev-warning{border-color:#b26b00}.sev-info{border-color:#2b6cb0}
.legend{color:#555;font-size:12.5px}.inferred{font-style:italic;color:#b26b00;font-weight:normal}
.cc-empty,.cc-not-sent,.cc-malformed{color:#b26b00;font-weight:600}.cc-sent{color:#17803d}
`;

function verdict(c: ConnectionModel): string {
  const inferred = c.verdictInferred ? ' title="inferred from encrypted record sizes, not read from the handshake"' : '';
  return `<span class="badge v-${c.verdict}"${inferred}>${verdictWords(c)}</span>`;
}

function ep(e: { ip: string; port: number }): string {
  return h(endpointText(e));
}

function diagnosis(d: ConnectionModel['diagnoses'][number]): string {
  return (
    `<div class="diag sev-${d.severity}"><b>${d.severity} <code>${h(d.code)}</code>${d.inferred ? ' <span class="inferred">inferred</span>' : ''}</b> — ${h(d.summary)}` +
    ` <a href="#${fixAnchor(d.code)}">why and fix</a>` +
    (d.evidence && d.evidence.length > 0 ? `<ul>${d.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : '') +
    (d.evidenceFrames.length > 0 ? `<br><i>Evidence:</i> frames ${d.evidenceFrames.join(', ')}` : '') +
    '</div>'
  );
}

/** Element id of a connection: tcp.stream and udp.stream are separate counters. */
function anchor(c: ConnectionModel): string {
  return c.transport === 'quic' ? `q${c.id}` : `c${c.id}`;
}

function connection(c: ConnectionModel): string {
  const parts: string[] = [];
  parts.push(`<section class="conn" id="${anchor(c)}">`);
  const head = [`#${c.id}`, `${ep(c.client)} → ${ep(c.server)}`, c.orientation?.inferred ? '(client/server guessed)' : '', c.quic ? `${h(c.quic.version)} (udp.stream ${c.quic.udpStream})` : '', h(c.version ?? ''), h(c.cipherSuite ?? '')];
  if (c.serverName !== undefined) head.push(`SNI ${h(c.serverName)}`);
  parts.push(`<h3>${head.filter(Boolean).join(' &nbsp; ')} &nbsp; ${verdict(c)}</h3>`);
  // the answer first: what went wrong and how to fix it
  for (const d of c.diagnoses) parts.push(diagnosis(d));
  if (c.quic) parts.push(`<div class="legend">${h(quicLine(c))}</div>`);
  parts.push(`<div class="sentence"><b>Client certificate:</b> ${h(c.clientCertificate.sentence ?? c.clientCertificate.status)}</div>`);
  parts.push(caComparison(c));
  parts.push(`<div class="legend">frames ${c.firstFrame}–${c.lastFrame}; history <code>${h(c.history ?? '')}</code></div>`);
  if (c.events.length > 0) parts.push(ladderSvg(c));
  if (c.clientCertificate.chain && c.clientCertificate.chain.length > 0) parts.push(`<div><b>Client chain</b></div>${certTable(c.clientCertificate.chain)}`);
  if (c.serverCertificates && c.serverCertificates.length > 0) parts.push(`<div><b>Server chain</b></div>${certTable(c.serverCertificates)}`);
  for (const w of c.warnings.slice(0, 10)) parts.push(`<div class="legend">warning: ${h(w.message)}</div>`);
  parts.push('</section>');
  return parts.filter((x) => x !== '').join('\n');
}

function counts(rec: Record<string, number>): string {
  const e = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${h(k)}: ${v}`).join(', ');
}

function overviewRow(c: ConnectionModel): string {
  const cc = c.clientCertificate;
  const ccCell = `<span class="cc-${cc.status}">${cc.status}</span>${cc.frame !== undefined ? ` <span class="legend">frame ${cc.frame}</span>` : ''}`;
  const d = c.diagnoses[0];
  const dCell = d ? `<code>${h(d.code)}</code>${d.inferred ? ' <span class="inferred">inferred</span>' : ''}${c.diagnoses.length > 1 ? ` <span class="legend">+${c.diagnoses.length - 1}</span>` : ''}` : '';
  const a = decisiveAlert(c);
  const aCell = a ? `${h(a.description ?? a.type ?? 'alert')} <span class="legend">by ${a.direction === 'client->server' ? 'client' : 'server'}, frame ${a.frame}</span>` : h(c.alerts.at(-1)?.description ?? '');
  return (
    `<tr data-id="${c.id}" data-anchor="${anchor(c)}" data-search="${h(searchText(c))}"><td><a href="#${anchor(c)}">${c.id}${c.transport === 'quic' ? ' (QUIC)' : ''}</a></td><td>${ep(c.client)}</td><td>${ep(c.server)}</td><td>${h(c.serverName ?? '')}</td>` +
    `<td>${h(c.version ?? '')}</td><td class="cc">${ccCell}</td><td class="dcode">${dCell}</td><td>${aCell}</td><td>${verdict(c)}</td></tr>`
  );
}

export const HTML_PARTS: ReportParts = {
  head(r, n) {
    const s = r.summary;
    return (
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src ${SEARCH_SCRIPT_HASH}">` +
      `<title>tls-inspect report</title><style>${CSS}${LADDER_SVG_CSS}${PARTS_CSS}</style></head><body>\n` +
      [
        `<h1>tls-inspect report</h1>`,
        `<p>${h(r.source.path ?? r.source.kind)} — ${r.source.packets} frames, ${s.connections - (s.quicConnections ?? 0)} TCP connections, ${s.quicConnections ? `${s.quicConnections} QUIC connections, ` : ''}${s.tlsConnections} TLS. Generated by tls-inspect ${h(r.tool.version)}.</p>`,
        `<div id="search"><label>Search <input id="q" type="search" placeholder="address, SNI, status, diagnosis code, alert, subject …" autocomplete="off"></label> <span id="shown" class="legend">${n} connections</span></div>`,
        `<table id="overview"><tr><th>id</th><th>client</th><th>server</th><th>SNI</th><th>version</th><th>client cert</th><th>diagnosis</th><th>alert</th><th>verdict</th></tr>`,
      ].join('\n')
    );
  },
  row: overviewRow,
  middle: () =>
    `</table>\n<p class="legend">Ladder: solid = plaintext, thick = decrypted with the key log, dashed = inferred from encrypted record sizes (not a fact), dotted = encrypted; blue band = the client's Certificate, red band = the decisive alert.</p>\n<h2>Connections</h2>`,
  section: (c) => `\n${connection(c)}`,
  tail(r) {
    const s = r.summary;
    const fixes = fixEntries(s).map(
      ({ code, entry, sameFixAs }) =>
        `<div class="diag" id="${fixAnchor(code)}"><b><code>${h(code)}</code></b> (${h(entry.rfc)})<br><i>Why:</i> ${h(entry.explanation)}<br><i>Fix:</i> ` +
        `${sameFixAs ? `as for <a href="#${fixAnchor(sameFixAs)}"><code>${h(sameFixAs)}</code></a>` : h(entry.fix)}</div>`,
    );
    const rest = [
      ...(fixes.length > 0 ? [`<h2>Fixes</h2>`, ...fixes] : []),
      `<h2>Summary</h2><ul>`,
      `<li>Verdicts: ${counts(s.verdicts)}</li><li>Client certificates: ${counts(s.clientCertificates)}</li>`,
      `<li>Alerts: ${counts(s.alerts)}</li><li>Diagnoses: ${counts(s.diagnoses)}</li><li>Client certificate subjects: ${counts(s.clientCertSubjects)}</li>`,
      s.failingPairs.length > 0 ? `<li>Top failing pairs: ${s.failingPairs.slice(0, 5).map((p) => `${h(p.client)} → ${h(p.server)} (${p.failures})`).join(', ')}</li>` : '',
      ...r.source.warnings.slice(0, 20).map((w) => `<li>Capture warning: ${h(w.message)}</li>`),
      `</ul>`,
      `<script>${SEARCH_SCRIPT}</script>`,
    ];
    return `\n${rest.join('\n')}\n</body></html>\n`;
  },
};

export function renderReportHtml(r: ReportModel): string {
  return joinParts(HTML_PARTS, r);
}
