/**
 * The connections view: column titles (click to sort), the virtual table (only visible rows are
 * rendered) and a preview of the selected connection (client certificate, top diagnosis). The
 * selection follows the connection id, so rows arriving above it do not move it.
 */
import blessed from 'blessed';
import type { Theme } from '../theme.js';
import { VirtualList } from '../widgets/virtual-list.js';
import type { ConnectionsLayout, Rect } from '../view-model/layout.js';
import { columnAt, layoutColumns, renderHeader, renderRow, type ColumnLayout, type ConnectionRow } from '../view-model/rows.js';
import type { ConnectionTable } from '../view-model/table.js';
import { previewLines } from '../view-model/diagnosis-view.js';
import type { Action } from '../view-model/keymap.js';
import { seg } from '../view-model/styled.js';
import { screenUnicode } from '../screen.js';
import { connectionKey } from '../../analysis/model.js';

/** The table key of a row (TCP and QUIC ids are separate counters). */
function keyOf(row: ConnectionRow | undefined): number | undefined {
  return row ? connectionKey(row.model) : undefined;
}

export interface ConnectionsViewEvents {
  open(row: ConnectionRow): void;
  changed(): void;
}

export function place(el: blessed.Widgets.BoxElement, r: Rect): void {
  el.top = r.top;
  el.left = r.left;
  el.width = r.width;
  el.height = r.height;
}

export class ConnectionsView {
  private readonly header: blessed.Widgets.BoxElement;
  readonly list: VirtualList;
  /** A rule line, then the preview text (plain boxes: no border arithmetic). */
  private readonly rule: blessed.Widgets.BoxElement;
  private readonly preview: blessed.Widgets.BoxElement;
  private previewRect: Rect = { top: 0, left: 0, width: 0, height: 0 };
  private visible = true;
  private columns: ColumnLayout[] = layoutColumns(80);
  private tableWidth = 80;
  private selectedId: number | undefined;
  private index = 0;
  private seenGeneration = -1;
  /** False until the user moves the cursor (keys, click, back from a connection). */
  private userMoved = false;
  /** Why the list is empty once loading is done (set by the app from the pipeline's counts). */
  emptyReason: string | undefined;

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
    private readonly table: ConnectionTable,
    private readonly events: ConnectionsViewEvents,
  ) {
    this.header = blessed.box({ parent: screen, tags: true, wrap: false, height: 1 });
    this.header.on('click', (data: blessed.Widgets.Events.IMouseEventArg) => {
      const key = columnAt(this.columns, data.x - Number(this.header.aleft));
      if (key) {
        this.table.sortBy(key);
        this.events.changed();
      }
    });
    this.list = new VirtualList({
      parent: screen,
      theme,
      onClick: (row) => {
        const rows = this.table.visible;
        if (row === this.index && rows[row]) this.events.open(rows[row]);
        else this.moveTo(row);
        this.events.changed();
      },
    });
    this.rule = blessed.box({ parent: screen, tags: true, wrap: false, height: 1 });
    this.preview = blessed.box({ parent: screen, tags: true, wrap: false });
  }

  layout(l: ConnectionsLayout): void {
    place(this.header, l.tableHeader);
    place(this.list.box, l.table);
    this.previewRect = l.preview;
    const r = l.preview;
    place(this.rule, { ...r, height: Math.min(1, r.height) });
    place(this.preview, { ...r, top: r.top + 1, height: Math.max(0, r.height - 1) });
    this.show(this.visible);
    this.tableWidth = l.table.width;
  }

  show(visible: boolean): void {
    this.visible = visible;
    const withPreview = visible && this.previewRect.height > 1;
    for (const el of [this.header, this.list.box]) {
      if (visible) el.show();
      else el.hide();
    }
    for (const el of [this.rule, this.preview]) {
      if (withPreview) el.show();
      else el.hide();
    }
  }

  selected(): ConnectionRow | undefined {
    this.sync();
    return this.table.visible[this.index];
  }

  /** Keep the selection on the same connection after the table changed under it; until the user
   * moves the cursor it stays on the first row (rows arriving above do not push it down). */
  private sync(): void {
    if (this.table.generation === this.seenGeneration) return;
    this.seenGeneration = this.table.generation;
    const rows = this.table.visible;
    if (!this.userMoved) {
      this.index = 0;
      this.selectedId = rows[0]?.id;
      return;
    }
    if (this.selectedId !== undefined) {
      const i = this.table.indexOfId(this.selectedId);
      if (i >= 0) {
        this.index = i;
        return;
      }
    }
    this.index = Math.min(this.index, Math.max(0, rows.length - 1));
    this.selectedId = keyOf(rows[this.index]);
  }

  moveTo(i: number): void {
    this.userMoved = true;
    const rows = this.table.visible;
    this.index = Math.max(0, Math.min(rows.length - 1, i));
    this.selectedId = keyOf(rows[this.index]);
    this.seenGeneration = this.table.generation;
  }

  /** Select the connection with this id if it is shown. */
  selectId(id: number): void {
    const i = this.table.indexOfId(id);
    if (i >= 0) this.moveTo(i);
  }

  /** Neighbour of the selected row (for next / previous connection in the drill-in view). */
  neighbour(delta: number): ConnectionRow | undefined {
    this.sync();
    const rows = this.table.visible;
    const i = this.index + delta;
    if (i < 0 || i >= rows.length) return undefined;
    this.moveTo(i);
    return rows[i];
  }

  handle(a: Action): boolean {
    this.sync();
    const page = Math.max(1, this.list.innerHeight - 1);
    switch (a) {
      case 'down':
        this.moveTo(this.index + 1);
        return true;
      case 'up':
        this.moveTo(this.index - 1);
        return true;
      case 'pageDown':
        this.moveTo(this.index + page);
        return true;
      case 'pageUp':
        this.moveTo(this.index - page);
        return true;
      case 'top':
        this.moveTo(0);
        return true;
      case 'bottom':
        this.moveTo(this.table.visible.length - 1);
        return true;
      case 'enter': {
        const row = this.table.visible[this.index];
        if (row) this.events.open(row);
        return true;
      }
      default:
        return false;
    }
  }

  paint(): void {
    this.sync();
    const rows = this.table.visible;
    const sort = this.table.sort;
    this.columns = layoutColumns(this.tableWidth, this.table.widths);
    this.header.setContent(this.theme.line(renderHeader(this.columns, sort.key, sort.descending)));
    const cols = this.columns;
    this.list.setSource({ count: rows.length, row: (i) => renderRow(rows[i], cols) });
    if (rows.length > 0) this.list.select(this.index);
    this.list.paint();
    if (rows.length === 0) {
      const msg = this.table.counts().total > 0 ? 'no connection matches the filters (a: show all)' : (this.emptyReason ?? 'no TLS connections yet');
      this.list.box.setContent(this.theme.line([seg(`  ${msg}`, 'dim')]));
    }
    const h = this.previewRect.height - 1;
    if (h > 0) {
      const row = rows[this.index];
      const w = this.previewRect.width;
      this.rule.setContent(this.theme.line([seg((screenUnicode(this.screen) ? '\u2500' : '-').repeat(w), 'dim')]));
      const lines = row ? previewLines(row.model, Math.max(10, w - 1), h) : [];
      this.preview.setContent(lines.map((l) => this.theme.line(l)).join('\n'));
    }
  }
}
