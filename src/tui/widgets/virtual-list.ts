/**
 * A scrolling list that renders only the rows on screen: the content of the blessed box is rebuilt
 * from `source.row(i)` for the visible window on every paint, so 24,000 connections cost as much
 * as 40. A selection is a range of rows (a wrapped tree node spans several). Mouse: click selects
 * (and calls onClick), wheel scrolls. Keys are handled by the app, not here.
 */
import blessed from 'blessed';
import type { Theme } from '../theme.js';
import type { StyledLine } from '../view-model/styled.js';
import { truncate } from '../view-model/text.js';
import { sanitizeBlessed } from '../../report/sanitize.js';

export interface RowSource {
  count: number;
  row(i: number): StyledLine;
}

export interface VirtualListOptions {
  parent: blessed.Widgets.Node;
  theme: Theme;
  label?: string;
  border?: boolean;
  /** Highlight the selected range (false: a plain scrolling text). */
  selectable?: boolean;
  onClick?: (row: number) => void;
  onFocusRequest?: () => void;
}

const EMPTY: RowSource = { count: 0, row: () => [] };

export class VirtualList {
  readonly box: blessed.Widgets.BoxElement;
  private source: RowSource = EMPTY;
  /** First visible row. */
  top = 0;
  selStart = 0;
  selEnd = 1;
  private focused = false;
  private title: string;

  constructor(private readonly opts: VirtualListOptions) {
    this.title = opts.label ?? '';
    this.box = blessed.box({
      parent: opts.parent,
      tags: true,
      wrap: false,
      border: opts.border ? { type: 'line' } : undefined,
      style: { border: { fg: opts.theme.fg('gray') } },
      label: opts.border && this.title ? ` ${this.title} ` : undefined,
    });
    this.box.on('click', (data: blessed.Widgets.Events.IMouseEventArg) => {
      opts.onFocusRequest?.();
      const y = data.y - Number(this.box.atop) - Number(this.box.itop);
      const row = this.top + y;
      if (y >= 0 && row >= 0 && row < this.source.count) opts.onClick?.(row);
    });
    this.box.on('wheeldown', () => {
      opts.onFocusRequest?.();
      this.scrollBy(3);
      this.paint();
      this.box.screen.render();
    });
    this.box.on('wheelup', () => {
      opts.onFocusRequest?.();
      this.scrollBy(-3);
      this.paint();
      this.box.screen.render();
    });
  }

  get count(): number {
    return this.source.count;
  }

  /** Rows that fit inside the box. */
  get innerHeight(): number {
    const h = Number(this.box.height) - (this.opts.border ? 2 : 0);
    return Math.max(1, h);
  }

  get innerWidth(): number {
    const w = Number(this.box.width) - (this.opts.border ? 2 : 0);
    return Math.max(1, w);
  }

  setSource(source: RowSource): void {
    this.source = source;
    this.clamp();
  }

  setLabel(label: string): void {
    this.title = label;
    this.updateLabel();
  }

  setFocused(f: boolean): void {
    this.focused = f;
    this.box.style.border = { fg: f ? this.opts.theme.fg('cyan') : this.opts.theme.fg('gray') };
    this.updateLabel();
  }

  /** Select rows [start, end) and scroll so they are visible. */
  select(start: number, end = start + 1): void {
    this.selStart = start;
    this.selEnd = Math.max(start + 1, end);
    this.reveal(this.selStart, this.selEnd);
  }

  /** Scroll the least so that rows [start, end) are on screen (the start wins when too tall). */
  reveal(start: number, end: number): void {
    const h = this.innerHeight;
    if (end > this.top + h) this.top = end - h;
    if (start < this.top) this.top = start;
    this.clamp();
  }

  scrollBy(n: number): void {
    this.top += n;
    this.clamp();
  }

  scrollTo(top: number): void {
    this.top = top;
    this.clamp();
  }

  /** Rebuild the visible window's content. */
  paint(): void {
    const h = this.innerHeight;
    const n = this.source.count;
    const sel = this.opts.selectable !== false;
    const lines: string[] = [];
    for (let i = this.top; i < Math.min(n, this.top + h); i++) {
      const selected = sel && i >= this.selStart && i < this.selEnd;
      lines.push(this.opts.theme.line(this.source.row(i), selected));
    }
    this.box.setContent(lines.join('\n'));
    this.updateLabel();
  }

  private clamp(): void {
    const max = Math.max(0, this.source.count - this.innerHeight);
    if (this.top > max) this.top = max;
    if (this.top < 0) this.top = 0;
  }

  private updateLabel(): void {
    if (!this.opts.border || !this.title) return;
    const n = this.source.count;
    const h = this.innerHeight;
    const pos = n > h ? ` ${this.top + 1}-${Math.min(n, this.top + h)}/${n}` : '';
    // the label is our own text (pane titles and numbers); escaped anyway, and cut to the border
    const room = Math.max(4, this.innerWidth - 4);
    const text = truncate(`${this.focused ? '> ' : ''}${this.title}${pos}`, room);
    this.box.setLabel(` ${sanitizeBlessed(text)} `);
  }
}
