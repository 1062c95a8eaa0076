/**
 * Where each pane goes for a terminal of W x H cells (recomputed on resize). Works from 80x24 up;
 * below that panes shrink to a minimum and blessed clips.
 */

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export type ConnectionPane = 'ladder' | 'detail' | 'cert' | 'hex' | 'diagnosis';

export interface ConnectionsLayout {
  header: Rect;
  tableHeader: Rect;
  table: Rect;
  /** Height 0 when the terminal is too short for a preview. */
  preview: Rect;
  footer: Rect;
}

export const HEADER_LINES = 2;

export function connectionsLayout(W: number, H: number): ConnectionsLayout {
  const w = Math.max(20, W);
  const h = Math.max(8, H);
  const previewH = h >= 16 ? 4 : 0;
  const tableTop = HEADER_LINES + 1;
  return {
    header: { top: 0, left: 0, width: w, height: HEADER_LINES },
    tableHeader: { top: HEADER_LINES, left: 0, width: w, height: 1 },
    table: { top: tableTop, left: 0, width: w, height: Math.max(1, h - tableTop - 1 - previewH) },
    preview: { top: h - 1 - previewH, left: 0, width: w, height: previewH },
    footer: { top: h - 1, left: 0, width: w, height: 1 },
  };
}

export interface ConnectionLayout {
  title: Rect;
  panes: Record<ConnectionPane, Rect | null>;
  footer: Rect;
}

/** The drill-in view: ladder | detail on top, the client-certificate box (as tall as its
 * `certLines` need, at most a quarter of the body), hex | diagnosis below. With `maximized`, that
 * pane takes the whole body and the others are hidden (null). */
export function connectionLayout(W: number, H: number, maximized?: ConnectionPane, certLines = 3): ConnectionLayout {
  const w = Math.max(40, W);
  const h = Math.max(12, H);
  const body = h - 2;
  const title = { top: 0, left: 0, width: w, height: 1 };
  const footer = { top: h - 1, left: 0, width: w, height: 1 };
  if (maximized) {
    const panes: Record<ConnectionPane, Rect | null> = { ladder: null, detail: null, cert: null, hex: null, diagnosis: null };
    panes[maximized] = { top: 1, left: 0, width: w, height: body };
    return { title, panes, footer };
  }
  const certH = Math.max(3, Math.min(certLines + 2, Math.floor(body / 4)));
  const topH = Math.max(5, Math.floor((body - certH) * 0.6));
  const bottomH = Math.max(3, body - certH - topH);
  // the ladder needs the room most on narrow terminals
  const leftW = Math.min(w - 24, Math.max(40, Math.floor(w * (w < 100 ? 0.6 : 0.55))));
  return {
    title,
    footer,
    panes: {
      ladder: { top: 1, left: 0, width: leftW, height: topH },
      detail: { top: 1, left: leftW, width: w - leftW, height: topH },
      cert: { top: 1 + topH, left: 0, width: w, height: certH },
      hex: { top: 1 + topH + certH, left: 0, width: leftW, height: bottomH },
      diagnosis: { top: 1 + topH + certH, left: leftW, width: w - leftW, height: bottomH },
    },
  };
}

export interface StatsLayout {
  header: Rect;
  alerts: Rect;
  certStatus: Rect;
  versions: Rect;
  timeline: Rect;
  tables: Rect;
  footer: Rect;
}

export function statsLayout(W: number, H: number): StatsLayout {
  const w = Math.max(40, W);
  const h = Math.max(12, H);
  const body = h - HEADER_LINES - 1;
  const chartsH = Math.max(6, Math.floor(body * 0.42));
  const timelineH = Math.max(5, Math.floor(body * 0.28));
  const tablesH = Math.max(3, body - chartsH - timelineH);
  const alertsW = Math.floor(w * 0.5);
  const certW = Math.floor((w - alertsW) / 2);
  const top = HEADER_LINES;
  return {
    header: { top: 0, left: 0, width: w, height: HEADER_LINES },
    alerts: { top, left: 0, width: alertsW, height: chartsH },
    certStatus: { top, left: alertsW, width: certW, height: chartsH },
    versions: { top, left: alertsW + certW, width: w - alertsW - certW, height: chartsH },
    timeline: { top: top + chartsH, left: 0, width: w, height: timelineH },
    tables: { top: top + chartsH + timelineH, left: 0, width: w, height: tablesH },
    footer: { top: h - 1, left: 0, width: w, height: 1 },
  };
}
