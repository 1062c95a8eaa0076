/**
 * The `?` overlay: every key from the key map (and the mouse), centred over the current view.
 * Arrows / j / k / PgUp / PgDn scroll it; Esc, q, ? or Enter close it.
 */
import type blessed from 'blessed';
import type { Theme } from '../theme.js';
import { VirtualList } from '../widgets/virtual-list.js';
import { helpLines, type Action } from '../view-model/keymap.js';

export class HelpOverlay {
  private readonly list: VirtualList;
  isOpen = false;
  private width = -1;

  constructor(screen: blessed.Widgets.Screen, theme: Theme) {
    this.list = new VirtualList({ parent: screen, theme, border: true, label: 'Help: keys (Esc closes)', selectable: false });
    this.list.box.hide();
  }

  layout(w: number, h: number): void {
    const width = Math.min(w, 100);
    const height = Math.max(6, h - 2);
    // full width on small terminals, so no pane border shows beside it
    const box = this.list.box;
    box.width = width;
    box.height = height;
    box.top = Math.floor((h - height) / 2);
    box.left = Math.floor((w - width) / 2);
  }

  open(): void {
    this.isOpen = true;
    this.list.scrollTo(0);
    this.list.box.show();
    this.list.box.setFront();
  }

  close(): void {
    this.isOpen = false;
    this.list.box.hide();
  }

  /** Scroll actions; anything else closes the overlay. Returns true when the key was used. */
  handle(a: Action | undefined): void {
    const page = Math.max(1, this.list.innerHeight - 1);
    switch (a) {
      case 'down':
        this.list.scrollBy(1);
        return;
      case 'up':
        this.list.scrollBy(-1);
        return;
      case 'pageDown':
        this.list.scrollBy(page);
        return;
      case 'pageUp':
        this.list.scrollBy(-page);
        return;
      case 'top':
        this.list.scrollTo(0);
        return;
      case 'bottom':
        this.list.scrollTo(this.list.count);
        return;
      default:
        this.close();
    }
  }

  paint(): void {
    if (!this.isOpen) return;
    const w = this.list.innerWidth;
    if (w !== this.width || this.list.count === 0) {
      this.width = w;
      const lines = helpLines(w);
      this.list.setSource({ count: lines.length, row: (i) => lines[i] });
    }
    this.list.paint();
  }
}
