/**
 * All connections of the session with the current sort, quick filters and search: `visible` is
 * the filtered, sorted list the table pages through. Connections arrive one by one (file loading,
 * live capture): new rows wait in a pending list that is sorted and merged into the visible list
 * when it is next read (one linear merge per screen refresh, not one insertion per row), and a
 * connection that arrives again with the same id (live snapshots) replaces the old row.
 */
import { connectionKey, type ConnectionModel } from '../../analysis/model.js';
import { connectionRow, contentWidths, rowHaystack, type ColumnKey, type ConnectionRow, type ContentWidths } from './rows.js';

export type QuickFilter = 'failed' | 'mtls' | 'tls13';
export const QUICK_FILTERS: readonly QuickFilter[] = ['failed', 'mtls', 'tls13'];
export const QUICK_FILTER_LABEL: Record<QuickFilter, string> = { failed: 'failed only', mtls: 'mTLS only', tls13: 'TLS 1.3 only' };

export interface TableCounts {
  total: number;
  shown: number;
  failed: number;
  mtls: number;
  tls13: number;
  warning: number;
}

const VERDICT_ORDER: Record<ConnectionRow['verdict'], number> = {
  failed: 0,
  warning: 1,
  incomplete: 2,
  'mtls-ok': 3,
  ok: 4,
  'not-tls': 5,
};
const CERT_ORDER: Record<ConnectionRow['cert'], number> = {
  MALFORMED: 0,
  EMPTY: 0,
  'not sent': 1,
  inferred: 2,
  sent: 3,
  unknown: 4,
  'not requested': 5,
};

function cmpStr(a: string, b: string): number {
  // empty values sort last in ascending order
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  return a < b ? -1 : 1;
}

function cmpEndpoint(a: ConnectionModel['client'], b: ConnectionModel['client']): number {
  return cmpStr(a.ip, b.ip) || a.port - b.port;
}

const COMPARE: Record<ColumnKey, (a: ConnectionRow, b: ConnectionRow) => number> = {
  id: (a, b) => a.id - b.id,
  client: (a, b) => cmpEndpoint(a.model.client, b.model.client),
  server: (a, b) => cmpEndpoint(a.model.server, b.model.server),
  sni: (a, b) => cmpStr(a.sniKey, b.sniKey),
  version: (a, b) => cmpStr(a.version, b.version),
  cert: (a, b) => CERT_ORDER[a.cert] - CERT_ORDER[b.cert],
  alert: (a, b) => cmpStr(a.alert, b.alert),
  verdict: (a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict],
};

export const SORT_ORDER: readonly ColumnKey[] = ['id', 'client', 'server', 'sni', 'version', 'cert', 'alert', 'verdict'];

export function isMtls(c: ConnectionModel): boolean {
  return c.clientCertificate.requested === true || c.clientCertificate.status === 'sent';
}

export class ConnectionTable {
  private readonly rows: ConnectionRow[] = [];
  private readonly byId = new Map<number, ConnectionRow>();
  private shown: ConnectionRow[] = [];
  /** Matching rows not merged into `shown` yet. */
  private pending: ConnectionRow[] = [];
  private searchWords: string[] = [];
  private sortKey: ColumnKey = 'id';
  private descending = false;
  private readonly quick = new Set<QuickFilter>();
  private search = '';
  private readonly counters: Omit<TableCounts, 'shown'> = { total: 0, failed: 0, mtls: 0, tls13: 0, warning: 0 };
  /** Bumped whenever `visible` changes (panes re-render only then). */
  generation = 0;
  /** Widest content per column over every row so far (column layout). */
  readonly widths: ContentWidths = {};

  get visible(): readonly ConnectionRow[] {
    if (this.pending.length > 0) this.mergePending();
    return this.shown;
  }

  get sort(): { key: ColumnKey; descending: boolean } {
    return { key: this.sortKey, descending: this.descending };
  }

  get filters(): ReadonlySet<QuickFilter> {
    return this.quick;
  }

  get searchText(): string {
    return this.search;
  }

  counts(): TableCounts {
    return { ...this.counters, shown: this.shown.length + this.pending.length };
  }

  /** By connectionKey (TCP and QUIC ids are separate counters). */
  get(id: number): ConnectionRow | undefined {
    return this.byId.get(id);
  }

  /** Adds a connection, or replaces the row with the same id. */
  upsert(c: ConnectionModel): ConnectionRow {
    const row = connectionRow(c);
    const old = this.byId.get(connectionKey(c));
    if (old) {
      this.count(old, -1);
      this.rows[this.rows.indexOf(old)] = row;
      const at = this.shown.indexOf(old);
      if (at >= 0) this.shown.splice(at, 1);
      const p = this.pending.indexOf(old);
      if (p >= 0) this.pending.splice(p, 1);
    } else {
      this.rows.push(row);
    }
    this.byId.set(connectionKey(c), row);
    this.count(row, 1);
    contentWidths(row, this.widths);
    if (this.matches(row)) this.pending.push(row);
    this.generation++;
    return row;
  }

  /** The row added first (live mode drops it when the table is full). */
  oldest(): ConnectionRow | undefined {
    return this.rows[0];
  }

  /** Removes a connection's row. */
  remove(id: number): boolean {
    const row = this.byId.get(id);
    if (!row) return false;
    this.byId.delete(id);
    this.count(row, -1);
    for (const list of [this.rows, this.shown, this.pending]) {
      const i = list.indexOf(row);
      if (i >= 0) list.splice(i, 1);
    }
    this.generation++;
    return true;
  }

  setSort(key: ColumnKey, descending = false): void {
    this.sortKey = key;
    this.descending = descending;
    const rows = this.visible.slice();
    rows.sort((a, b) => this.compare(a, b));
    this.shown = rows;
    this.generation++;
  }

  /** Same column: reverse; another column: sort by it ascending. */
  sortBy(key: ColumnKey): void {
    if (key === this.sortKey) this.setSort(key, !this.descending);
    else this.setSort(key, false);
  }

  nextSortColumn(): void {
    const i = SORT_ORDER.indexOf(this.sortKey);
    this.setSort(SORT_ORDER[(i + 1) % SORT_ORDER.length], false);
  }

  reverseSort(): void {
    this.setSort(this.sortKey, !this.descending);
  }

  toggleFilter(f: QuickFilter): void {
    if (this.quick.has(f)) this.quick.delete(f);
    else this.quick.add(f);
    this.rebuild();
  }

  /** `a`: every connection — quick filters and the search (its words too) cleared. */
  clearFilters(): void {
    this.quick.clear();
    this.search = '';
    this.searchWords = [];
    this.rebuild();
  }

  setSearch(text: string): void {
    this.search = text;
    this.searchWords = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
    this.rebuild();
  }

  indexOfId(id: number): number {
    const row = this.byId.get(id);
    return row ? this.visible.indexOf(row) : -1;
  }

  matches(row: ConnectionRow): boolean {
    const c = row.model;
    if (this.quick.has('failed') && c.verdict !== 'failed') return false;
    if (this.quick.has('mtls') && !isMtls(c)) return false;
    if (this.quick.has('tls13') && c.version !== 'TLS 1.3') return false;
    if (this.searchWords.length > 0) {
      const hay = rowHaystack(row);
      for (const w of this.searchWords) if (!hay.includes(w)) return false;
    }
    return true;
  }

  private compare(a: ConnectionRow, b: ConnectionRow): number {
    const r = COMPARE[this.sortKey](a, b);
    const d = this.descending ? -r : r;
    return d !== 0 ? d : a.id - b.id;
  }

  /** Sort the pending rows and merge them into `shown` (linear). */
  private mergePending(): void {
    const add = this.pending;
    this.pending = [];
    add.sort((a, b) => this.compare(a, b));
    const old = this.shown;
    if (old.length === 0) {
      this.shown = add;
      return;
    }
    if (this.compare(old[old.length - 1], add[0]) <= 0) {
      // the common case (sorted by id, connections finishing in order): append
      for (const r of add) old.push(r);
      return;
    }
    const out = new Array<ConnectionRow>(old.length + add.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < add.length) out[k++] = this.compare(old[i], add[j]) <= 0 ? old[i++] : add[j++];
    while (i < old.length) out[k++] = old[i++];
    while (j < add.length) out[k++] = add[j++];
    this.shown = out;
  }

  private rebuild(): void {
    this.pending = [];
    this.shown = this.rows.filter((r) => this.matches(r));
    this.shown.sort((a, b) => this.compare(a, b));
    this.generation++;
  }

  private count(row: ConnectionRow, d: 1 | -1): void {
    const k = this.counters;
    const c = row.model;
    k.total += d;
    if (c.verdict === 'failed') k.failed += d;
    if (c.verdict === 'warning') k.warning += d;
    if (isMtls(c)) k.mtls += d;
    if (c.version === 'TLS 1.3') k.tls13 += d;
  }
}
