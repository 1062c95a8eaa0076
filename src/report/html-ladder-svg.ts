/**
 * The HTML report's handshake ladder: an inline SVG sequence diagram with two lifelines (client
 * left, server right), one arrow per event in wire order, frame and time beside each arrow. The
 * client's Certificate and the decisive alert are highlighted (a tinted band behind the arrow);
 * every other problem alert is drawn red. Shafts show visibility: solid plaintext, thick
 * decrypted, dashed inferred (never a fact), dotted encrypted. Every wire string is escaped
 * (escapeHtml); labels longer than the lane are cut with the whole text in the arrow's <title>.
 */
import type { ConnectionModel, EventModel } from '../analysis/model.js';
import { clientCertificateEvent, decisiveAlert, eventLabel, isProblemAlert } from './ladder.js';
import { escapeHtml as h } from './sanitize.js';

/** Arrows drawn per connection; the rest are counted below the diagram. */
export const SVG_MAX_EVENTS = 500;

const WIDTH = 880;
const CLIENT_X = 190;
const SERVER_X = 860;
const TOP = 58;
const ROW = 26;
const MAX_LABEL = 84;

const TAG: Record<string, string> = { plaintext: '', decrypted: ' [decrypted]', inferred: ' [inferred]' };

/** CSS for the diagram (part of the report's one stylesheet). */
export const LADDER_SVG_CSS = `
.ladder-svg{display:block;max-width:100%;height:auto;margin:.6em 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.ladder-svg .who{font:600 13px system-ui,sans-serif}.ladder-svg .ep{fill:#555;font-size:11px}
.ladder-svg .lifeline{stroke:#8a96a8;stroke-width:1.5;stroke-dasharray:4 3}
.ladder-svg .num{fill:#555}
.ladder-svg .ev line{stroke:#5b6b80;stroke-width:1.5}.ladder-svg .ev polygon{fill:#5b6b80}
.ladder-svg .vis-decrypted line{stroke-width:3}.ladder-svg .vis-inferred line{stroke-dasharray:7 4}
.ladder-svg .kind-encrypted.vis-plaintext line{stroke-dasharray:2 3}
.ladder-svg .alert line{stroke:#c0262d}.ladder-svg .alert polygon{fill:#c0262d}.ladder-svg .alert text.lbl{fill:#c0262d;font-weight:600}
.ladder-svg .band{fill:none}.ladder-svg .clientcert .band{fill:#dbeafe}.ladder-svg .decisive .band{fill:#fde2e2}
.ladder-svg .clientcert text.lbl{font-weight:700;fill:#0b4aa2}
`;

function arrowGroup(e: EventModel, y: number, cls: string[], note: string): string {
  const toServer = e.direction === 'client->server';
  const full = eventLabel(e) + (TAG[e.visibility] ?? '');
  const label = full.length > MAX_LABEL ? `${full.slice(0, MAX_LABEL - 1)}…` : full;
  const [x1, x2] = toServer ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
  const tip = toServer ? x2 - 1 : x2 + 1;
  const back = toServer ? tip - 9 : tip + 9;
  const title = [`frame ${e.frame}: ${full}`, note, e.reason ?? ''].filter((s) => s !== '').join(' — ');
  return (
    `<g class="${cls.join(' ')}" data-frame="${e.frame}"><title>${h(title)}</title>` +
    `<rect class="band" x="4" y="${y - ROW + 6}" width="${WIDTH - 8}" height="${ROW - 2}" rx="3"/>` +
    `<text class="num" x="8" y="${y - 2}">${e.frame}</text><text class="num" x="62" y="${y - 2}">${(e.relTime ?? 0).toFixed(6)}</text>` +
    `<line x1="${x1}" y1="${y}" x2="${back}" y2="${y}"/><polygon points="${tip},${y} ${back},${y - 4.5} ${back},${y + 4.5}"/>` +
    `<text class="lbl" x="${(CLIENT_X + SERVER_X) / 2}" y="${y - 5}" text-anchor="middle">${h(label)}${note ? ` ${h(`· ${note}`)}` : ''}</text></g>`
  );
}

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function ladderSvg(c: ConnectionModel): string {
  const cert = clientCertificateEvent(c);
  const decisive = decisiveAlert(c);
  const shown = c.events.slice(0, SVG_MAX_EVENTS);
  const more = c.events.length - shown.length;
  const bottom = TOP + shown.length * ROW + (more > 0 ? ROW : 0);
  const height = bottom + 8;
  const parts: string[] = [
    `<svg class="ladder-svg" data-conn="${c.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="handshake ladder of connection ${c.id}">`,
    `<text class="num" x="8" y="40">frame</text><text class="num" x="62" y="40">time (s)</text>`,
    `<text class="who" x="${CLIENT_X}" y="18" text-anchor="middle">Client</text><text class="ep" x="${CLIENT_X}" y="32" text-anchor="middle">${h(endpoint(c.client))}</text>`,
    `<text class="who" x="${SERVER_X}" y="18" text-anchor="end">Server</text><text class="ep" x="${SERVER_X}" y="32" text-anchor="end">${h(endpoint(c.server))}</text>`,
    `<line class="lifeline client" x1="${CLIENT_X}" y1="38" x2="${CLIENT_X}" y2="${bottom}"/>`,
    `<line class="lifeline server" x1="${SERVER_X}" y1="38" x2="${SERVER_X}" y2="${bottom}"/>`,
  ];
  shown.forEach((e, i) => {
    const cls = ['ev', e.direction === 'client->server' ? 'c2s' : 's2c', `vis-${e.visibility}`, `kind-${e.kind}`];
    let note = '';
    if (isProblemAlert(e)) cls.push('alert');
    if (e === cert) {
      cls.push('clientcert');
      note = 'client certificate';
    }
    if (e === decisive) {
      cls.push('decisive');
      note = `decisive alert, sent by the ${e.direction === 'client->server' ? 'client' : 'server'}`;
    }
    parts.push(arrowGroup(e, TOP + (i + 1) * ROW - 6, cls, note));
  });
  if (more > 0) parts.push(`<text class="num more" x="${(CLIENT_X + SERVER_X) / 2}" y="${bottom - 6}" text-anchor="middle">${more} more events (see --format text)</text>`);
  parts.push('</svg>');
  return parts.join('');
}
