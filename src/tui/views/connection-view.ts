/**
 * The drill-in view of one connection: the handshake ladder (client | server), the detail tree of
 * the selected event, the client-certificate box (where it travels), the hex of the selected
 * message inside its record, and the diagnoses. Tab moves the focus; `z` maximises a pane.
 */
import blessed from 'blessed';
import type { ConnectionModel, EventModel } from '../../analysis/model.js';
import { eventBytes } from '../../analysis/event-bytes.js';
import type { Theme } from '../theme.js';
import { VirtualList } from '../widgets/virtual-list.js';
import { DetailPane } from './detail-pane.js';
import { place } from './connections-view.js';
import { connectionLayout, type ConnectionPane } from '../view-model/layout.js';
import { decisiveAlert } from '../../report/ladder.js';
import { clientCertRowIndex, ladderHeader, openingTop, ladderLayout, ladderLayoutFor, ladderRows, renderLadderRow, type LadderLayout, type LadderRow } from '../view-model/ladder-view.js';
import { clientCertLines, connectionTitle, diagnosisLines } from '../view-model/diagnosis-view.js';
import { eventHex } from '../view-model/hex.js';
import type { Action } from '../view-model/keymap.js';
import { seg, type StyledLine } from '../view-model/styled.js';

const FOCUS_ORDER: ConnectionPane[] = ['ladder', 'detail', 'hex', 'diagnosis', 'cert'];

function staticSource(rows: StyledLine[]): { count: number; row: (i: number) => StyledLine } {
  return { count: rows.length, row: (i) => rows[i] };
}

export class ConnectionView {
  private readonly title: blessed.Widgets.BoxElement;
  private readonly ladder: VirtualList;
  private readonly detail: DetailPane;
  private readonly cert: VirtualList;
  private readonly hex: VirtualList;
  private readonly diagnosis: VirtualList;
  private conn: ConnectionModel | undefined;
  private rows: LadderRow[] = [];
  private layoutL: LadderLayout = ladderLayout(60, 1);
  private sel = 0;
  private focus: ConnectionPane = 'ladder';
  private maximized: ConnectionPane | undefined;
  private size = { w: 80, h: 24 };
  private visible = false;
  /** Set by setConnection until the first paint: the decisive alert's row (-1 none). */
  private openingAlert: number | undefined;

  constructor(
    screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
    private readonly rerender: () => void,
  ) {
    this.title = blessed.box({ parent: screen, tags: true, wrap: false, height: 1 });
    const focusOn = (p: ConnectionPane) => () => this.setFocus(p);
    this.ladder = new VirtualList({
      parent: screen,
      theme,
      border: true,
      label: 'Handshake ladder',
      onFocusRequest: focusOn('ladder'),
      onClick: (row) => {
        // row 0 is the column header
        if (row > 0) this.selectEvent(row - 1);
        this.rerender();
      },
    });
    this.detail = new DetailPane(screen, theme, focusOn('detail'));
    this.cert = new VirtualList({ parent: screen, theme, border: true, label: 'Client certificate', selectable: false, onFocusRequest: focusOn('cert') });
    this.hex = new VirtualList({ parent: screen, theme, border: true, label: 'Bytes', selectable: false, onFocusRequest: focusOn('hex') });
    this.diagnosis = new VirtualList({ parent: screen, theme, border: true, label: 'Diagnosis', selectable: false, onFocusRequest: focusOn('diagnosis') });
    this.setFocus('ladder');
  }

  private pane(p: ConnectionPane): VirtualList {
    switch (p) {
      case 'ladder':
        return this.ladder;
      case 'detail':
        return this.detail.list;
      case 'cert':
        return this.cert;
      case 'hex':
        return this.hex;
      case 'diagnosis':
        return this.diagnosis;
    }
  }

  private setFocus(p: ConnectionPane): void {
    this.focus = p;
    for (const q of FOCUS_ORDER) this.pane(q).setFocused(q === p);
    if (this.maximized && this.maximized !== p) {
      this.maximized = p;
      this.layout(this.size.w, this.size.h);
    }
  }

  get connection(): ConnectionModel | undefined {
    return this.conn;
  }

  /** Show a connection; the client's Certificate (else the first alert) is selected. */
  setConnection(c: ConnectionModel): void {
    this.conn = c;
    this.layout(this.size.w, this.size.h);
    this.buildLadder();
    const cert = clientCertRowIndex(this.rows);
    const alert = this.rows.findIndex((r) => r.line.isAlert);
    this.sel = cert >= 0 ? cert : alert >= 0 ? alert : 0;
    const decisive = decisiveAlert(c);
    this.openingAlert = decisive ? this.rows.findIndex((r) => r.line.event === decisive) : alert;
    this.ladder.scrollTo(0);
    this.diagnosis.scrollTo(0);
    this.cert.scrollTo(0);
    this.updateEvent();
  }

  /** A newer model of the shown connection (live snapshots): keep the selected row. */
  update(c: ConnectionModel): void {
    this.conn = c;
    this.buildLadder();
    this.sel = Math.max(0, Math.min(this.sel, this.rows.length - 1));
    this.updateEvent();
  }

  private buildLadder(): void {
    if (!this.conn) return;
    this.layoutL = ladderLayoutFor(this.conn, this.ladder.innerWidth);
    this.rows = ladderRows(this.conn, this.layoutL);
  }

  private selectedEvent(): EventModel | undefined {
    return this.rows[this.sel]?.line.event;
  }

  private selectEvent(i: number): void {
    this.sel = Math.max(0, Math.min(this.rows.length - 1, i));
    this.updateEvent();
  }

  private updateEvent(): void {
    if (this.conn) this.detail.setEvent(this.selectedEvent(), this.conn);
    this.hex.scrollTo(0);
  }

  layout(w: number, h: number): void {
    this.size = { w, h };
    const certLines = this.conn ? clientCertLines(this.conn, Math.max(20, w - 2)).length : 3;
    const l = connectionLayout(w, h, this.maximized, certLines);
    place(this.title, l.title);
    for (const p of FOCUS_ORDER) {
      const r = l.panes[p];
      const box = this.pane(p).box;
      if (r) {
        place(box, r);
        if (this.visible) box.show();
      } else box.hide();
    }
    const width = this.ladder.innerWidth;
    if (this.conn && ladderLayoutFor(this.conn, width).laneWidth !== this.layoutL.laneWidth) this.buildLadder();
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      this.title.show();
      this.layout(this.size.w, this.size.h);
    } else {
      this.title.hide();
      for (const p of FOCUS_ORDER) this.pane(p).box.hide();
    }
  }

  handle(a: Action): boolean {
    switch (a) {
      case 'nextPane':
      case 'prevPane': {
        const i = FOCUS_ORDER.indexOf(this.focus);
        const d = a === 'nextPane' ? 1 : FOCUS_ORDER.length - 1;
        this.setFocus(FOCUS_ORDER[(i + d) % FOCUS_ORDER.length]);
        return true;
      }
      case 'maximize':
        this.maximized = this.maximized ? undefined : this.focus;
        this.layout(this.size.w, this.size.h);
        return true;
      case 'clientCert': {
        const i = clientCertRowIndex(this.rows);
        if (i >= 0) {
          this.selectEvent(i);
          this.setFocus('ladder');
        }
        return true;
      }
      default:
    }
    if (this.focus === 'ladder') return this.handleLadder(a);
    if (this.focus === 'detail') return this.detail.handle(a);
    return this.handleScroll(this.pane(this.focus), a);
  }

  private handleLadder(a: Action): boolean {
    const page = Math.max(1, this.ladder.innerHeight - 2);
    switch (a) {
      case 'down':
        this.selectEvent(this.sel + 1);
        return true;
      case 'up':
        this.selectEvent(this.sel - 1);
        return true;
      case 'pageDown':
        this.selectEvent(this.sel + page);
        return true;
      case 'pageUp':
        this.selectEvent(this.sel - page);
        return true;
      case 'top':
        this.selectEvent(0);
        return true;
      case 'bottom':
        this.selectEvent(this.rows.length - 1);
        return true;
      case 'enter':
        this.setFocus('detail');
        return true;
      default:
        return false;
    }
  }

  private handleScroll(list: VirtualList, a: Action): boolean {
    const page = Math.max(1, list.innerHeight - 1);
    const moves: Partial<Record<Action, () => void>> = {
      down: () => list.scrollBy(1),
      up: () => list.scrollBy(-1),
      pageDown: () => list.scrollBy(page),
      pageUp: () => list.scrollBy(-page),
      top: () => list.scrollTo(0),
      bottom: () => list.scrollTo(list.count),
    };
    const f = moves[a];
    if (!f) return false;
    f();
    return true;
  }

  paint(): void {
    const c = this.conn;
    if (!c) return;
    this.title.setContent(this.theme.line(connectionTitle(c)));
    // ladder: header row + one row per event
    const rows = this.rows;
    const layout = this.layoutL;
    const header = ladderHeader(layout);
    this.ladder.setSource({ count: rows.length + 1, row: (i) => (i === 0 ? header : renderLadderRow(rows[i - 1], layout)) });
    if (rows.length === 0) {
      this.ladder.setSource(staticSource([header, [seg('  no TLS events', 'dim')]]));
    } else {
      if (this.openingAlert !== undefined) {
        // just opened: the selected row and the decisive alert on screen together when they fit
        this.ladder.scrollTo(openingTop(this.sel, this.openingAlert, this.ladder.innerHeight));
        this.openingAlert = undefined;
      }
      this.ladder.select(this.sel + 1);
    }
    if (this.sel === 0) this.ladder.reveal(0, 2);
    this.ladder.paint();
    this.detail.paint();
    this.cert.setSource(staticSource(clientCertLines(c, this.cert.innerWidth)));
    this.cert.paint();
    const e = this.selectedEvent();
    const hv = eventHex(e, e ? eventBytes(e) : undefined, this.hex.innerWidth);
    this.hex.setLabel(`Bytes: ${hv.title}`);
    this.hex.setSource(hv.rows);
    this.hex.paint();
    this.diagnosis.setSource(staticSource(diagnosisLines(c, this.diagnosis.innerWidth)));
    this.diagnosis.paint();
  }
}
