/**
 * The connections table: one row per ConnectionModel (id = tcp.stream, client -> server, SNI,
 * version, client-certificate status, last alert, verdict), its columns, their widths for a given
 * terminal width, and the rendering of one row as styled cells. Wire strings are made
 * terminal-safe here and tag-escaped by the theme.
 */
import type { ConnectionModel } from '../../analysis/model.js';
import { displayText } from './text.js';
import { displayWidth, endpoint, fit, fitMiddle } from './text.js';
import { seg, type Style, type StyledLine } from './styled.js';

export type CertStatusLabel = 'sent' | 'EMPTY' | 'MALFORMED' | 'not requested' | 'not sent' | 'unknown' | 'inferred';
export type Verdict = ConnectionModel['verdict'];

export interface ConnectionRow {
  id: number;
  client: string;
  server: string;
  sni: string;
  /** Lower-case SNI (sort key). */
  sniKey: string;
  version: string;
  cert: CertStatusLabel;
  alert: string;
  verdict: Verdict;
  /** Lower-case text searched by `/` (built on first search: rowHaystack). */
  haystack?: string;
  model: ConnectionModel;
}

/** The client-certificate status as the table shows it; a certificate seen only by inference says so. */
export function certStatusLabel(c: ConnectionModel): CertStatusLabel {
  const cc = c.clientCertificate;
  if (cc.visibility === 'inferred' && (cc.status === 'sent' || cc.status === 'empty')) return 'inferred';
  switch (cc.status) {
    case 'sent':
      return 'sent';
    case 'empty':
      return 'EMPTY';
    case 'not-requested':
      return 'not requested';
    case 'not-sent':
      return 'not sent';
    case 'malformed':
      return 'MALFORMED';
    default:
      return 'unknown';
  }
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  ok: 'ok',
  'mtls-ok': 'mTLS ok',
  failed: 'FAILED',
  warning: 'warning',
  incomplete: 'incomplete',
  'not-tls': 'not TLS',
};

/** The verdict as the table shows it: `mTLS ok?` when it rests on inferred evidence only. */
export function verdictLabel(c: ConnectionModel): string {
  return c.verdictInferred ? `${VERDICT_LABEL[c.verdict]}?` : VERDICT_LABEL[c.verdict];
}

/** The last alert of the connection by name; an encrypted alert only inferred is shown with `?`. */
export function lastAlert(c: ConnectionModel): string {
  const a = c.alerts[c.alerts.length - 1];
  if (a) return a.description ?? (a.code !== undefined ? `alert ${a.code}` : 'alert');
  for (let i = c.events.length - 1; i >= 0; i--) {
    const e = c.events[i];
    if (e.kind === 'encrypted' && e.type === 'Alert') return 'encrypted alert?';
  }
  return '';
}

export function connectionRow(c: ConnectionModel): ConnectionRow {
  const row: ConnectionRow = {
    id: c.id,
    client: displayText(endpoint(c.client)),
    server: displayText(endpoint(c.server)),
    sni: c.serverName !== undefined ? displayText(c.serverName) : '',
    sniKey: '',
    // QUIC connections say so in the version column ("TLS 1.3/QUIC"): the transport is visible
    version: (c.version ? displayText(c.version) : c.isTls ? '?' : '-') + (c.transport === 'quic' ? '/QUIC' : ''),
    cert: c.isTls ? certStatusLabel(c) : 'not requested',
    alert: displayText(lastAlert(c)),
    verdict: c.verdict,
    model: c,
  };
  row.sniKey = row.sni.toLowerCase();
  return row;
}

/** The lower-case text `/` searches in: every column plus cipher, ALPN, certificate names, diagnoses. */
export function rowHaystack(row: ConnectionRow): string {
  if (row.haystack !== undefined) return row.haystack;
  const c = row.model;
  const leaf = c.clientCertificate.chain?.[0];
  row.haystack = [
    `#${row.id}`,
    row.client,
    row.server,
    row.sni,
    row.version,
    row.cert,
    row.alert,
    verdictLabel(row.model),
    c.cipherSuite ?? '',
    c.alpn ?? '',
    leaf ? `${leaf.subject} ${leaf.issuer}` : '',
    ...c.diagnoses.map((d) => d.code),
  ]
    .join(' ')
    .toLowerCase();
  return row.haystack;
}

export type ColumnKey = 'id' | 'client' | 'server' | 'sni' | 'version' | 'cert' | 'alert' | 'verdict';

export interface ColumnSpec {
  key: ColumnKey;
  title: string;
  /** Title when the column is narrower than `title`. */
  short: string;
  min: number;
  ideal: number;
  /** Share of the space left after every column got its wanted width. */
  flex: number;
  right?: boolean;
}

export const COLUMNS: readonly ColumnSpec[] = [
  { key: 'id', title: '#', short: '#', min: 4, ideal: 7, flex: 0, right: true },
  { key: 'client', title: 'client', short: 'client', min: 13, ideal: 21, flex: 0 },
  { key: 'server', title: 'server', short: 'server', min: 13, ideal: 21, flex: 0 },
  { key: 'sni', title: 'SNI', short: 'SNI', min: 6, ideal: 30, flex: 3 },
  { key: 'version', title: 'version', short: 'ver', min: 3, ideal: 7, flex: 0 },
  { key: 'cert', title: 'client cert', short: 'cert', min: 5, ideal: 13, flex: 0 },
  { key: 'alert', title: 'last alert', short: 'alert', min: 8, ideal: 22, flex: 2 },
  { key: 'verdict', title: 'verdict', short: 'verdict', min: 7, ideal: 10, flex: 0 },
];

export interface ColumnLayout {
  spec: ColumnSpec;
  width: number;
}

/** Widest content per column so far (the table keeps it as rows arrive). */
export type ContentWidths = Partial<Record<ColumnKey, number>>;

export function contentWidths(row: ConnectionRow, into: ContentWidths): void {
  const grow = (k: ColumnKey, w: number): void => {
    if (w > (into[k] ?? 0)) into[k] = w;
  };
  grow('id', String(row.id).length);
  grow('client', displayWidth(row.client));
  grow('server', displayWidth(row.server));
  grow('sni', displayWidth(row.sni));
  grow('version', displayWidth(row.version));
  grow('cert', row.cert.length);
  grow('alert', displayWidth(row.alert));
  grow('verdict', verdictLabel(row.model).length);
}

/** Grow order: what must stay readable first. */
const GROW_ORDER: ColumnKey[] = ['client', 'server', 'verdict', 'version', 'id', 'alert', 'cert', 'sni'];

/**
 * Column widths for `total` cells (one space between columns): every column gets its minimum (or
 * less when its content is narrower), then grows towards its content width (capped at `ideal`) in
 * GROW_ORDER, then SNI and alert share what is left. Cells truncate with an ellipsis.
 */
export function layoutColumns(total: number, content: ContentWidths = {}): ColumnLayout[] {
  const gaps = COLUMNS.length - 1;
  const want = COLUMNS.map((c) => Math.min(c.ideal, Math.max(1, content[c.key] ?? c.ideal)));
  // never narrower than the short title plus the sort mark
  const widths = COLUMNS.map((c, i) => Math.max(c.short.length + 1, Math.min(c.min, want[i])));
  let left = total - gaps - widths.reduce((a, b) => a + b, 0);
  for (const key of GROW_ORDER) {
    if (left <= 0) break;
    const i = COLUMNS.findIndex((c) => c.key === key);
    const add = Math.min(left, want[i] - widths[i]);
    if (add > 0) {
      widths[i] += add;
      left -= add;
    }
  }
  // what is left widens SNI and alert (up to twice their ideal); wider terminals keep the rest
  const flexTotal = COLUMNS.reduce((a, c) => a + c.flex, 0);
  if (left > 0 && flexTotal > 0) {
    const pool = left;
    COLUMNS.forEach((c, i) => {
      const add = Math.min(Math.floor((pool * c.flex) / flexTotal), 2 * c.ideal - widths[i]);
      if (add > 0) {
        widths[i] += add;
        left -= add;
      }
    });
    // rounding leftovers
    COLUMNS.forEach((c, i) => {
      const add = c.flex > 0 ? Math.min(left, 2 * c.ideal - widths[i]) : 0;
      if (add > 0) {
        widths[i] += add;
        left -= add;
      }
    });
  }
  return COLUMNS.map((spec, i) => ({ spec, width: widths[i] }));
}

const VERSION_SHORT: Record<string, string> = { 'TLS 1.3/QUIC': '1.3/Q', '?/QUIC': '?/Q', 'TLS 1.3': '1.3', 'TLS 1.2': '1.2', 'TLS 1.1': '1.1', 'TLS 1.0': '1.0', 'SSL 3.0': 'ssl3' };
const CERT_SHORT: Record<CertStatusLabel, string> = {
  sent: 'sent',
  EMPTY: 'EMPTY',
  MALFORMED: 'MALFORM',
  'not requested': 'not req',
  'not sent': 'not sent',
  unknown: 'unknown',
  inferred: 'inferred',
};

function cellText(row: ConnectionRow, key: ColumnKey, width: number): string {
  switch (key) {
    case 'id':
      return fit(String(row.id), width, true);
    case 'client':
      return fitMiddle(row.client, width);
    case 'server':
      return fitMiddle(row.server, width);
    case 'sni':
      return fit(row.sni, width);
    case 'version':
      return fit(row.version.length <= width ? row.version : (VERSION_SHORT[row.version] ?? row.version), width);
    case 'cert':
      return fit(row.cert.length <= width ? row.cert : CERT_SHORT[row.cert], width);
    case 'alert':
      return fit(row.alert, width);
    case 'verdict':
      return fit(verdictLabel(row.model), width);
  }
}

function certStyle(label: CertStatusLabel): Style | undefined {
  if (label === 'sent') return 'client-cert';
  if (label === 'EMPTY' || label === 'MALFORMED' || label === 'not sent') return 'warning';
  if (label === 'inferred') return 'inferred';
  return undefined;
}

/** One table row as styled cells. */
export function renderRow(row: ConnectionRow, layout: ColumnLayout[]): StyledLine {
  const out: StyledLine = [];
  layout.forEach((col, i) => {
    if (i > 0) out.push(seg(' '));
    const text = cellText(row, col.spec.key, col.width);
    let style: Style | undefined;
    if (col.spec.key === 'verdict') style = row.verdict;
    else if (col.spec.key === 'cert') style = certStyle(row.cert);
    else if (col.spec.key === 'alert' && row.alert !== '' && row.alert !== 'close_notify') style = 'alert';
    out.push(seg(text, style));
  });
  return out;
}

/** The column titles, with ▲/▼ on the sort column. */
export function renderHeader(layout: ColumnLayout[], sortKey: ColumnKey, descending: boolean): StyledLine {
  const out: StyledLine = [];
  layout.forEach((col, i) => {
    if (i > 0) out.push(seg(' '));
    const mark = col.spec.key === sortKey ? (descending ? 'v' : '^') : '';
    const name = col.spec.title.length + mark.length <= col.width ? col.spec.title : col.spec.short;
    const title = `${name}${mark}`;
    out.push(seg(fit(title, col.width, col.spec.right), 'header'));
  });
  return out;
}

/** Which column a cell x coordinate falls in (mouse clicks on the header). */
export function columnAt(layout: ColumnLayout[], x: number): ColumnKey | undefined {
  let pos = 0;
  for (const col of layout) {
    if (x >= pos && x < pos + col.width + 1) return col.spec.key;
    pos += col.width + 1;
  }
  return undefined;
}
