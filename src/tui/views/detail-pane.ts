/**
 * The detail pane: the selected event's tree. Tree lines wrap to the pane width, so a line may
 * span several display rows; the selection is a tree line and highlights all of its rows.
 */
import type { ConnectionModel, EventModel } from '../../analysis/model.js';
import type { Theme } from '../theme.js';
import { VirtualList } from '../widgets/virtual-list.js';
import {
  allExpandable,
  defaultOpen,
  eventTree,
  flattenTree,
  parentLine,
  renderTreeLine,
  type TreeLine,
  type TreeNode,
} from '../view-model/detail-tree.js';
import type { Action } from '../view-model/keymap.js';
import type { StyledLine } from '../view-model/styled.js';
import type blessed from 'blessed';

export class DetailPane {
  readonly list: VirtualList;
  private root: TreeNode | undefined;
  private open = new Set<string>();
  private lines: TreeLine[] = [];
  /** Display rows and, per row, the tree line it belongs to. */
  private rows: StyledLine[] = [];
  private rowLine: number[] = [];
  private firstRow: number[] = [];
  private sel = 0;
  private builtWidth = -1;
  private event: EventModel | undefined;

  constructor(parent: blessed.Widgets.Node, theme: Theme, onFocus: () => void) {
    this.list = new VirtualList({
      parent,
      theme,
      border: true,
      label: 'Detail',
      onFocusRequest: onFocus,
      onClick: (row) => {
        const line = this.rowLine[row] ?? 0;
        if (line === this.sel) this.toggle(this.sel);
        else this.sel = line;
        this.paint();
        this.list.box.screen.render();
      },
    });
  }

  setEvent(e: EventModel | undefined, c: ConnectionModel): void {
    if (e === this.event) return;
    this.event = e;
    this.root = e ? eventTree(e, c) : undefined;
    this.open = this.root ? defaultOpen(this.root) : new Set();
    this.sel = 0;
    this.list.scrollTo(0);
    this.rebuild();
  }

  private rebuild(): void {
    this.lines = this.root ? flattenTree(this.root, this.open) : [];
    const width = this.list.innerWidth;
    this.builtWidth = width;
    this.rows = [];
    this.rowLine = [];
    this.firstRow = [];
    this.lines.forEach((l, i) => {
      this.firstRow.push(this.rows.length);
      for (const r of renderTreeLine(l, width)) {
        this.rows.push(r);
        this.rowLine.push(i);
      }
    });
    if (this.sel >= this.lines.length) this.sel = Math.max(0, this.lines.length - 1);
  }

  private toggle(i: number): void {
    const l = this.lines[i];
    if (!l?.expandable) return;
    if (this.open.has(l.node.id)) this.open.delete(l.node.id);
    else this.open.add(l.node.id);
    this.rebuild();
  }

  handle(a: Action): boolean {
    const l = this.lines[this.sel];
    const page = Math.max(1, this.list.innerHeight - 1);
    switch (a) {
      case 'down':
        this.sel = Math.min(this.lines.length - 1, this.sel + 1);
        return true;
      case 'up':
        this.sel = Math.max(0, this.sel - 1);
        return true;
      case 'pageDown':
        this.sel = this.rowLine[Math.min(this.rows.length - 1, (this.firstRow[this.sel] ?? 0) + page)] ?? this.sel;
        return true;
      case 'pageUp':
        this.sel = this.rowLine[Math.max(0, (this.firstRow[this.sel] ?? 0) - page)] ?? this.sel;
        return true;
      case 'top':
        this.sel = 0;
        return true;
      case 'bottom':
        this.sel = Math.max(0, this.lines.length - 1);
        return true;
      case 'enter':
      case 'toggle':
        this.toggle(this.sel);
        return true;
      case 'expand':
        if (l?.expandable && !l.expanded) this.toggle(this.sel);
        else if (l?.expanded) this.sel = Math.min(this.lines.length - 1, this.sel + 1);
        return true;
      case 'collapse':
        if (l?.expanded) this.toggle(this.sel);
        else {
          const p = parentLine(this.lines, this.sel);
          if (p >= 0) this.sel = p;
        }
        return true;
      case 'expandAll':
        if (this.root) this.open = allExpandable(this.root);
        this.rebuild();
        return true;
      case 'collapseAll':
        this.open = new Set(['root']);
        this.sel = 0;
        this.rebuild();
        return true;
      default:
        return false;
    }
  }

  paint(): void {
    if (this.list.innerWidth !== this.builtWidth) this.rebuild();
    const rows = this.rows;
    this.list.setSource({ count: rows.length, row: (i) => rows[i] });
    const start = this.firstRow[this.sel] ?? 0;
    const end = this.firstRow[this.sel + 1] ?? rows.length;
    this.list.select(start, end);
    this.list.paint();
  }
}
