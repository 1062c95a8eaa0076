/**
 * Pieces of the HTML report: the client certificate's issuers beside the CAs the server accepts
 * (its CertificateRequest list) with matches and the mismatch marked, the certificate tables, and
 * the search box's script (plain inline JS, allowed by a CSP hash, no network).
 */
import { createHash } from 'node:crypto';
import type { CertificateModel, ConnectionModel } from '../analysis/model.js';
import { dnKeyOfString } from '../analysis/dn-key.js';
import { escapeHtml as h } from './sanitize.js';

export const PARTS_CSS = `
.ca-compare{display:grid;grid-template-columns:1fr 1fr;gap:0 1em;margin:.6em 0;border:1px solid #d5dae2;border-radius:4px;padding:.4em .7em}
.ca-compare h4{margin:.1em 0 .3em;font-size:13px}.ca-compare ul{margin:0;padding-left:1.2em}
.ca-compare li.match{color:#17803d}.ca-compare li.match::marker{content:"✓ "}.ca-compare li.nomatch::marker{content:"✗ "}
.ca-compare.mismatch{border-color:#c0262d;background:#fff5f5}.ca-compare.mismatch li.nomatch{color:#c0262d}
.ca-verdict{grid-column:1 / 3;margin-top:.4em;font-weight:600}.ca-compare.mismatch .ca-verdict{color:#c0262d}.ca-compare.ok .ca-verdict{color:#17803d}
#search{position:sticky;top:0;background:#fff;padding:.4em 0;z-index:1}#q{width:28em;max-width:70%;font:inherit;padding:3px 6px}
[hidden]{display:none!important}
`;

/** Issuer vs accepted CAs, side by side; '' when the server did not ask for a certificate. */
export function caComparison(c: ConnectionModel): string {
  const cc = c.clientCertificate;
  const accepted = cc.acceptedAuthorities;
  if (accepted === undefined) return '';
  const chain = cc.chain ?? [];
  const acceptedKeys = new Set(accepted.map(dnKeyOfString));
  // a chain certificate counts when it is issued by, or is, a listed CA (as the diagnosis rules do)
  const chainKeys = new Set<string>();
  for (const x of chain) {
    chainKeys.add(dnKeyOfString(x.issuer));
    chainKeys.add(dnKeyOfString(x.subject));
  }
  const left = chain.map((x, i) => {
    const ok = acceptedKeys.has(dnKeyOfString(x.issuer)) || acceptedKeys.has(dnKeyOfString(x.subject));
    const cls = accepted.length === 0 ? '' : ok ? 'match' : 'nomatch';
    return `<li class="${cls}"><span class="mono">${h(x.issuer)}</span>${i === 0 ? ' <i>(issuer of the leaf)</i>' : ` <i>(issuer of chain certificate ${i})</i>`}</li>`;
  });
  const right = accepted.map((a) => `<li class="${chain.length > 0 ? (chainKeys.has(dnKeyOfString(a)) ? 'match' : 'nomatch') : ''}"><span class="mono">${h(a)}</span></li>`);
  const anyMatch = chain.some((x) => acceptedKeys.has(dnKeyOfString(x.issuer)) || acceptedKeys.has(dnKeyOfString(x.subject)));
  let state = '';
  let verdict: string;
  if (accepted.length === 0) verdict = 'The CertificateRequest lists no CA names: the server accepts a certificate from any CA it trusts.';
  else if (chain.length === 0) verdict = `The client sent no certificate (${h(cc.status)}).`;
  else if (anyMatch) {
    state = 'ok';
    verdict = '✓ The client chain reaches a CA the server accepts.';
  } else {
    state = 'mismatch';
    verdict = '✗ Mismatch: no certificate of the client chain is issued by (or is) a CA the server accepts.';
  }
  const reqFrame = cc.requestFrame !== undefined ? `, frame ${cc.requestFrame}` : '';
  const certFrame = cc.frame !== undefined ? ` (frame ${cc.frame})` : '';
  return (
    `<div class="ca-compare ${state}">` +
    `<div><h4>Client certificate issuer${certFrame}</h4><ul>${left.join('') || '<li>none sent</li>'}</ul></div>` +
    `<div><h4>CAs the server accepts (CertificateRequest${reqFrame})</h4><ul>${right.join('') || '<li>any (empty list)</li>'}</ul></div>` +
    `<div class="ca-verdict">${verdict}</div></div>`
  );
}

export function certTable(chain: CertificateModel[]): string {
  const rows = chain.map(
    (x, i) =>
      `<tr><td>${i}</td><td>${h(x.subject)}</td><td>${h(x.issuer)}</td><td class="mono">${h(x.notBefore)}<br>${h(x.notAfter)}</td>` +
      `<td>${h((x.extendedKeyUsage ?? []).join(', '))}</td><td>${h(x.publicKey ?? '')}</td><td class="mono">${h(x.sha256)}</td></tr>`,
  );
  return `<table><tr><th>#</th><th>subject</th><th>issuer</th><th>valid from / to</th><th>EKU</th><th>key</th><th>SHA-256</th></tr>${rows.join('')}</table>`;
}

/** What the search box matches a connection on (lower case). */
export function searchText(c: ConnectionModel): string {
  const cc = c.clientCertificate;
  const words = [
    `#${c.id}`, `${c.client.ip}:${c.client.port}`, `${c.server.ip}:${c.server.port}`, c.serverName ?? '', c.version ?? '', c.cipherSuite ?? '',
    c.verdict, cc.status, ...c.diagnoses.map((d) => d.code), ...c.alerts.map((a) => a.description ?? ''),
    ...(cc.chain ?? []).flatMap((x) => [x.subject, x.issuer]), ...(c.serverCertificates ?? []).map((x) => x.subject),
  ];
  return words.filter((w) => w !== '').join(' ').toLowerCase();
}

/** Filters the overview rows and the connection sections by the words typed (all must match);
 * the initial text comes from `?q=` or `#q=` so a link (or a test) can open a filtered report. */
export const SEARCH_SCRIPT = `(function () {
  var q = document.getElementById('q');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-search]'));
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(function (w) { return w !== ''; });
    var n = 0;
    rows.forEach(function (r) {
      var text = r.getAttribute('data-search');
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      r.hidden = !hit;
      var sec = document.getElementById(r.getAttribute('data-anchor'));
      if (sec) sec.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' connections shown';
  }
  var initial = new URLSearchParams(location.search).get('q');
  if (initial === null && location.hash.indexOf('#q=') === 0) initial = decodeURIComponent(location.hash.slice(3));
  if (initial !== null) q.value = initial;
  q.addEventListener('input', apply);
  apply();
})();`;

/** The CSP source that allows exactly SEARCH_SCRIPT. */
export const SEARCH_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SEARCH_SCRIPT).digest('base64')}'`;
