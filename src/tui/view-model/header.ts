/**
 * The two header lines (source, progress, status, live hook; counts, filters, search, sort) and
 * the footer line (key hints, or the search prompt while typing).
 */
import { displayText as san } from './text.js';
import { footerHints } from './keymap.js';
import { progressText, type ProgressInfo } from './progress.js';
import { COLUMNS, type ColumnKey } from './rows.js';
import { seg, type Style, type StyledLine } from './styled.js';
import { QUICK_FILTER_LABEL, type QuickFilter, type TableCounts } from './table.js';
import { displayWidth, fit, thousands } from './text.js';

export type StatusLevel = 'info' | 'warning' | 'error';

export interface HeaderState {
  /** The capture path or interface. */
  source: string;
  progress?: ProgressInfo;
  status?: { text: string; level: StatusLevel };
  /** Live mode: what the capture is doing ("eth0: 1,234 packets, 0 dropped"); null in file mode. */
  live?: string | null;
  counts: TableCounts;
  filters: readonly QuickFilter[];
  search: string;
  sort: { key: ColumnKey; descending: boolean };
}

const STATUS_STYLE: Record<StatusLevel, Style> = { info: 'info', warning: 'warning', error: 'error' };

function clip(line: StyledLine, width: number): StyledLine {
  const out: StyledLine = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const t = displayWidth(s.text) > left ? fit(s.text, left) : s.text;
    out.push(s.style ? seg(t, s.style) : seg(t));
    left -= displayWidth(t);
  }
  return out;
}

export function headerLines(s: HeaderState, width: number, tick = 0): StyledLine[] {
  const l1: StyledLine = [seg('tls-inspect', 'bold'), seg(`  ${san(s.source)}`)];
  if (s.live) l1.push(seg('  LIVE ', 'failed'), seg(san(s.live)));
  if (s.progress) {
    const barW = Math.max(6, Math.min(20, width - 60));
    l1.push(seg(`  ${progressText(s.progress, barW, tick)}`, s.progress.done ? 'dim' : 'info'));
  }
  if (s.status && s.status.text !== '') l1.push(seg(`  ${san(s.status.text)}`, STATUS_STYLE[s.status.level]));

  const c = s.counts;
  const l2: StyledLine = [
    seg(`${thousands(c.total)} connections`, 'bold'),
    seg('  '),
    seg(`${thousands(c.failed)} failed`, c.failed > 0 ? 'failed' : undefined),
    seg(`  ${thousands(c.mtls)} mTLS  ${thousands(c.tls13)} TLS 1.3`),
  ];
  if (c.warning > 0) l2.push(seg(`  ${thousands(c.warning)} warning`, 'warning'));
  const narrowed = s.filters.length > 0 || s.search !== '';
  if (narrowed) l2.push(seg(`  | showing ${thousands(c.shown)}`, 'bold'));
  if (s.filters.length > 0) l2.push(seg(`  [${s.filters.map((f) => QUICK_FILTER_LABEL[f]).join(', ')}]`, 'warning'));
  if (s.search !== '') l2.push(seg(`  search "${san(s.search)}"`, 'warning'));
  const title = COLUMNS.find((col) => col.key === s.sort.key)?.title ?? s.sort.key;
  l2.push(seg(`  sort: ${title} ${s.sort.descending ? 'desc' : 'asc'}`, 'dim'));
  return [clip(l1, width), clip(l2, width)];
}

/** Key hints (or the search prompt); views without the header show loading progress here. */
export function footerLine(view: 'connections' | 'connection' | 'stats', width: number, search?: string, progress?: ProgressInfo): StyledLine {
  if (search !== undefined) {
    return clip([seg('/', 'key'), seg(san(search)), seg('_', 'highlight'), seg('   Enter keep  Esc cancel', 'dim')], width);
  }
  const line: StyledLine = [];
  if (view === 'connection' && progress && !progress.done) line.push(seg(`${progressText(progress, 10)} | `, 'info'));
  const used = line.reduce((n, x) => n + displayWidth(x.text), 0);
  line.push(seg(footerHints(view, width - used), 'dim'));
  return clip(line, width);
}
