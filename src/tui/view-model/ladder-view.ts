/**
 * The handshake ladder pane: the report's ladderLines (client | server columns, arrow shafts per
 * visibility) with a frame / relative-time prefix, a textual marker per row (`!` alert, `*` client
 * Certificate) so it reads without colour, and a style per row.
 */
import type { ConnectionModel } from '../../analysis/model.js';
import { ladderLines, type LadderLine } from '../../report/ladder.js';
import { fit } from './text.js';
import { seg, type Style, type StyledLine } from './styled.js';

export interface LadderRow {
  line: LadderLine;
  style: Style | undefined;
  /** Marker column: '!' alert, '*' client certificate (also when only inferred), ' ' otherwise. */
  marker: string;
  /** The client's Certificate, decoded or inferred from an encrypted record. */
  clientCert: boolean;
}

export interface LadderLayout {
  /** Width of the frame column. */
  frameWidth: number;
  /** Width of the time column (0 = hidden). */
  timeWidth: number;
  /** Decimals of the relative time in seconds. */
  decimals: number;
  /** Width of the arrow lane (client | server). */
  laneWidth: number;
}

/** Prefix and lane widths for a pane `width` cells wide; the frame and time columns are as wide
 * as the connection's largest frame number and relative time need. */
export function ladderLayout(width: number, maxFrame: number, maxRelTime = 0): LadderLayout {
  const frameWidth = Math.max(2, String(maxFrame).length);
  const wide = width >= 76;
  const decimals = wide ? 6 : 3;
  const timeWidth = Math.max(4, maxRelTime.toFixed(decimals).length);
  // marker + space + frame + space + time + space
  const prefix = 1 + 1 + frameWidth + 1 + timeWidth + 1;
  return { frameWidth, timeWidth, decimals, laneWidth: Math.max(20, width - prefix) };
}

function rowStyle(l: LadderLine): Style | undefined {
  if (l.isAlert) return 'alert';
  if (l.isClientCertificate) return 'client-cert';
  const v = l.event.visibility;
  if (v === 'decrypted') return 'decrypted';
  if (v === 'inferred') return 'inferred';
  if (l.event.kind === 'encrypted') return 'encrypted';
  return undefined;
}

/** The layout for connection `c` in a pane `width` cells wide. */
export function ladderLayoutFor(c: ConnectionModel, width: number): LadderLayout {
  let maxFrame = c.lastFrame;
  let maxRel = 0;
  for (const e of c.events) {
    if (e.frame > maxFrame) maxFrame = e.frame;
    if ((e.relTime ?? 0) > maxRel) maxRel = e.relTime ?? 0;
  }
  return ladderLayout(width, maxFrame, maxRel);
}

function inferredClientCert(l: LadderLine): boolean {
  const e = l.event;
  return e.kind === 'encrypted' && e.type === 'Certificate' && e.direction === 'client->server' && e.visibility === 'inferred';
}

export function ladderRows(c: ConnectionModel, layout: LadderLayout): LadderRow[] {
  const lines = ladderLines(c, layout.laneWidth);
  const decoded = lines.some((l) => l.isClientCertificate);
  return lines.map((line) => {
    const clientCert = line.isClientCertificate || (!decoded && inferredClientCert(line));
    return { line, style: rowStyle(line), marker: line.isAlert ? '!' : clientCert ? '*' : ' ', clientCert };
  });
}

/** The column titles above the ladder. */
export function ladderHeader(layout: LadderLayout): StyledLine {
  const prefix = `  ${fit(layout.frameWidth >= 5 ? 'frame' : '#', layout.frameWidth, true)} ${fit('time', layout.timeWidth, true)} `;
  const lane = layout.laneWidth;
  const title = `client${' '.repeat(Math.max(1, lane - 12))}server`;
  return [seg(prefix + fit(title, lane), 'header')];
}

export function renderLadderRow(r: LadderRow, layout: LadderLayout): StyledLine {
  const frame = fit(String(r.line.frame), layout.frameWidth, true);
  const time = fit(r.line.relTime.toFixed(layout.decimals), layout.timeWidth, true);
  return [seg(r.marker, r.style), seg(` ${frame} ${time} `, 'dim'), seg(fit(r.line.text, layout.laneWidth), r.style)];
}

/** Index of the client's Certificate row, or -1. */
export function clientCertRowIndex(rows: LadderRow[]): number {
  return rows.findIndex((r) => r.clientCert);
}

export const LADDER_LEGEND = '---- plaintext  ==== decrypted  ~~~~ inferred  .... encrypted  ! alert  * client certificate';

/**
 * The ladder list's first visible row when a connection opens (list row 0 is the column header,
 * event i is row i + 1): the selected event and the decisive alert both on screen when they fit
 * (the later one as the last row, so short terminals show the alert that ended the handshake),
 * else the selected event. `alert` < 0: none.
 */
export function openingTop(selected: number, alert: number, height: number): number {
  const sel = selected + 1;
  const minimal = Math.max(0, sel + 1 - height);
  if (alert < 0) return minimal;
  const a = alert + 1;
  const lo = Math.min(sel, a);
  const hi = Math.max(sel, a);
  if (hi - lo + 1 > height) return minimal;
  return Math.max(0, hi + 1 - height);
}
