/**
 * `--format html`: one self-contained file (inline CSS, no scripts, no network fetches): summary
 * table, per-connection ladder drawn with HTML/CSS, certificate details and every diagnosis.
 */
import type { CertificateModel, ConnectionModel, EventModel, ReportModel } from '../analysis/model.js';
import { eventLabel, isProblemAlert } from './ladder.js';
import { escapeHtml as h } from './sanitize.js';
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
.ladder{display:grid;grid-template-columns:4.5em 6.5em 1fr;gap:2px 8px;margin:.6em 0}
.ladder .hdr{font-weight:600;display:flex;justify-content:space-between}
.arrow{position:relative;padding:1px 6px;border-bottom:2px solid #5b6b80;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.arrow.c2s{margin-right:8%;text-align:left}.arrow.s2c{margin-left:8%;text-align:right}
.arrow.c2s::after{content:"▶";position:absolute;right:-2px;bottom:-9px;font-size:11px;color:#5b6b80}
.arrow.s2c::before{content:"◀";position:absolute;left:-2px;bottom:-9px;font-size:11px;color:#5b6b80}
.vis-decrypted{border-bottom-style:double;border-bottom-width:4px}.vis-inferred{border-bottom-style:dashed}
.kind-encrypted{border-bottom-style:dotted;color:#5b6b80}.alert{color:#c0262d;border-bottom-color:#c0262d}
.clientcert{background:#e8f2ff;font-weight:600}
.sentence{background:#f6f8fa;border-left:4px solid #5b6b80;padding:.4em .7em;margin:.6em 0}
.diag{margin:.5em 0;padding:.4em .7em;border-left:4px solid #999}.sev-error{border-color:#c0262d}.sev-warning{border-color:#b26b00}.sev-info{border-color:#2b6cb0}
.legend{color:#555;font-size:12.5px}
`;

function verdict(c: ConnectionModel): string {
  const inferred = c.verdictInferred ? ' title="inferred from encrypted record sizes, not read from the handshake"' : '';
  return `<span class="badge v-${c.verdict}"${inferred}>${verdictWords(c)}</span>`;
}

function ep(e: { ip: string; port: number }): string {
  return h(endpointText(e));
}

function ladder(c: ConnectionModel): string {
  const certEv = c.events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake');
  const rows = c.events.map((e: EventModel) => {
    const dir = e.direction === 'client->server' ? 'c2s' : 's2c';
    const cls = ['arrow', dir, `vis-${e.visibility}`, `kind-${e.kind}`];
    if (isProblemAlert(e)) cls.push('alert');
    if (e === certEv) cls.push('clientcert');
    const tag = e.visibility === 'plaintext' ? '' : ` [${e.visibility}]`;
    return `<div class="mono">${e.frame}</div><div class="mono">${(e.relTime ?? 0).toFixed(6)}</div><div class="${cls.join(' ')}" title="${h(e.reason ?? '')}">${h(eventLabel(e) + tag)}</div>`;
  });
  return `<div class="ladder"><div><b>frame</b></div><div><b>time (s)</b></div><div class="hdr"><span>client</span><span>server</span></div>${rows.join('')}</div>`;
}

function certTable(chain: CertificateModel[]): string {
  const rows = chain.map(
    (x, i) =>
      `<tr><td>${i}</td><td>${h(x.subject)}</td><td>${h(x.issuer)}</td><td class="mono">${h(x.notBefore)}<br>${h(x.notAfter)}</td>` +
      `<td>${h((x.extendedKeyUsage ?? []).join(', '))}</td><td>${h(x.publicKey ?? '')}</td><td class="mono">${h(x.sha256)}</td></tr>`,
  );
  return `<table><tr><th>#</th><th>subject</th><th>issuer</th><th>valid from / to</th><th>EKU</th><th>key</th><th>SHA-256</th></tr>${rows.join('')}</table>`;
}

/** Element id of a connection: tcp.stream and udp.stream are separate counters. */
function anchor(c: ConnectionModel): string {
  return c.transport === 'quic' ? `q${c.id}` : `c${c.id}`;
}

function connection(c: ConnectionModel): string {
  const parts: string[] = [];
  parts.push(`<div class="conn" id="${anchor(c)}">`);
  const head = [`#${c.id}`, `${ep(c.client)} → ${ep(c.server)}`, c.orientation?.inferred ? '(client/server guessed)' : '', c.quic ? `${h(c.quic.version)} (udp.stream ${c.quic.udpStream})` : '', h(c.version ?? ''), h(c.cipherSuite ?? '')];
  if (c.serverName !== undefined) head.push(`SNI ${h(c.serverName)}`);
  parts.push(`<h3>${head.filter(Boolean).join(' &nbsp; ')} &nbsp; ${verdict(c)}</h3>`);
  parts.push(`<div class="legend">frames ${c.firstFrame}–${c.lastFrame}; history <code>${h(c.history ?? '')}</code></div>`);
  if (c.events.length > 0) parts.push(ladder(c));
  if (c.quic) parts.push(`<div class="legend">${h(quicLine(c))}</div>`);
  parts.push(`<div class="sentence"><b>Client certificate:</b> ${h(c.clientCertificate.sentence ?? c.clientCertificate.status)}</div>`);
  if (c.clientCertificate.chain && c.clientCertificate.chain.length > 0) parts.push(`<div><b>Client chain</b></div>${certTable(c.clientCertificate.chain)}`);
  if (c.clientCertificate.acceptedAuthorities && c.clientCertificate.acceptedAuthorities.length > 0) {
    parts.push(`<div><b>CAs the server accepts:</b> ${c.clientCertificate.acceptedAuthorities.map(h).join('; ')}</div>`);
  }
  if (c.serverCertificates && c.serverCertificates.length > 0) parts.push(`<div><b>Server chain</b></div>${certTable(c.serverCertificates)}`);
  for (const d of c.diagnoses) {
    parts.push(
      `<div class="diag sev-${d.severity}"><b>${d.severity} <code>${h(d.code)}</code></b> — ${h(d.summary)}` +
        (d.explanation ? `<br><i>Why:</i> ${h(d.explanation)}` : '') +
        (d.fix ? `<br><i>Fix:</i> ${h(d.fix)}` : '') +
        (d.evidenceFrames.length > 0 ? `<br><i>Evidence:</i> frames ${d.evidenceFrames.join(', ')}` : '') +
        '</div>',
    );
  }
  for (const w of c.warnings.slice(0, 10)) parts.push(`<div class="legend">warning: ${h(w)}</div>`);
  parts.push('</div>');
  return parts.join('\n');
}

function counts(rec: Record<string, number>): string {
  const e = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${h(k)}: ${v}`).join(', ');
}

export function renderReportHtml(r: ReportModel): string {
  const s = r.summary;
  const rows = r.connections.map(
    (c) =>
      `<tr><td><a href="#${anchor(c)}">${c.id}${c.transport === 'quic' ? ' (QUIC)' : ''}</a></td><td>${ep(c.client)}</td><td>${ep(c.server)}</td><td>${h(c.serverName ?? '')}</td>` +
      `<td>${h(c.version ?? '')}</td><td>${c.clientCertificate.status}</td><td>${h(c.alerts.at(-1)?.description ?? '')}</td><td>${verdict(c)}</td></tr>`,
  );
  const body = [
    `<h1>tls-inspect report</h1>`,
    `<p>${h(r.source.path ?? r.source.kind)} — ${r.source.packets} frames, ${s.connections - (s.quicConnections ?? 0)} TCP connections, ${s.quicConnections ? `${s.quicConnections} QUIC connections, ` : ''}${s.tlsConnections} TLS. Generated by tls-inspect ${h(r.tool.version)}.</p>`,
    `<table><tr><th>id</th><th>client</th><th>server</th><th>SNI</th><th>version</th><th>client cert</th><th>last alert</th><th>verdict</th></tr>${rows.join('')}</table>`,
    `<p class="legend">Ladder: solid = plaintext, double = decrypted with the key log, dashed = inferred from encrypted record sizes (not a fact), dotted = encrypted.</p>`,
    `<h2>Connections</h2>`,
    ...r.connections.map(connection),
    `<h2>Summary</h2><ul>`,
    `<li>Verdicts: ${counts(s.verdicts)}</li><li>Client certificates: ${counts(s.clientCertificates)}</li>`,
    `<li>Alerts: ${counts(s.alerts)}</li><li>Diagnoses: ${counts(s.diagnoses)}</li><li>Client certificate subjects: ${counts(s.clientCertSubjects)}</li>`,
    s.failingPairs.length > 0 ? `<li>Top failing pairs: ${s.failingPairs.slice(0, 5).map((p) => `${h(p.client)} → ${h(p.server)} (${p.failures})`).join(', ')}</li>` : '',
    ...r.source.warnings.slice(0, 20).map((w) => `<li>Capture warning: ${h(w)}</li>`),
    `</ul>`,
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>tls-inspect report</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
