/**
 * The terminal UI: connections view, drill-in connection view, stats view, help overlay, search.
 * Fed incrementally — `addConnection`, `setProgress`, `setStatus`, `setLiveStatus` — by file
 * loading and (issue 8) live capture alike, so it shows at once and fills in while data arrives.
 * Every key goes through one dispatcher (keymap.ts); rendering after data changes is throttled.
 */
import blessed from 'blessed';
import type { Readable, Writable } from 'node:stream';
import { connectionKey, type ConnectionModel } from '../analysis/model.js';
import { sanitizeTerminal } from '../report/sanitize.js';
import { createScreen, guardTerminal, type TerminalGuard } from './screen.js';
import { colorWanted, Theme } from './theme.js';
import { ConnectionsView, place } from './views/connections-view.js';
import { ConnectionView } from './views/connection-view.js';
import { StatsView } from './views/stats-view.js';
import { HelpOverlay } from './views/help-overlay.js';
import { ConnectionTable } from './view-model/table.js';
import { StatsModel } from './view-model/stats.js';
import { connectionsLayout } from './view-model/layout.js';
import { footerLine, headerLines, type StatusLevel } from './view-model/header.js';
import { actionsFor, keyName, type Action } from './view-model/keymap.js';
import type { ProgressInfo } from './view-model/progress.js';
import { editSearchLine, type SearchLine } from './view-model/search-line.js';
import { RenderThrottle } from './render-throttle.js';
import { emptyListReason, type LoadFacts } from './view-model/empty-reason.js';
import { appendFileSync } from 'node:fs';

/** TLS_INSPECT_TUI_TRACE=FILE: one line per key ("key NAME WALL_MS CPU_MS") and per render
 * ("render VIEW WALL_MS CPU_MS"), for the key-latency end-to-end test and for people chasing a
 * slow screen. CPU time is this process's own work, whatever else the machine is doing. */
const TRACE = process.env['TLS_INSPECT_TUI_TRACE'] || '';

function traceStart(): [number, NodeJS.CpuUsage] {
  return [performance.now(), process.cpuUsage()];
}

function trace(what: string, t0: [number, NodeJS.CpuUsage]): void {
  const cpu = process.cpuUsage(t0[1]);
  appendFileSync(TRACE, `${what} ${(performance.now() - t0[0]).toFixed(1)} ${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
}

/** Rows kept in live mode before the oldest are dropped (a counter says how many). */
export const MAX_LIVE_ROWS = 20_000;

export interface TuiOptions {
  /** Shown in the header: the capture path or the interface. */
  source: string;
  mode: 'file' | 'live';
  color?: boolean;
  input?: Readable;
  output?: Writable;
  terminal?: string;
  /** Hold back stderr while the TUI runs (default true). */
  captureStderr?: boolean;
}

type View = 'connections' | 'connection' | 'stats';

const RENDER_INTERVAL_MS = 100;

export class TuiApp {
  readonly table = new ConnectionTable();
  readonly stats = new StatsModel();
  private readonly screen: blessed.Widgets.Screen;
  private readonly guard: TerminalGuard;
  private readonly theme: Theme;
  private readonly header: blessed.Widgets.BoxElement;
  private readonly footer: blessed.Widgets.BoxElement;
  private readonly connections: ConnectionsView;
  private readonly connection: ConnectionView;
  private readonly statsView: StatsView;
  private readonly help: HelpOverlay;
  private view: View = 'connections';
  private viewBeforeStats: View = 'connections';
  private search: SearchLine | undefined;
  private progress: ProgressInfo | undefined;
  private status: { text: string; level: StatusLevel } | undefined;
  private live: string | null = null;
  private readonly throttle = new RenderThrottle(() => this.render(), RENDER_INTERVAL_MS);
  private tick = 0;
  private spinner: NodeJS.Timeout | undefined;
  private closed = false;
  private resolveQuit: ((code: number) => void) | undefined;
  private readonly quitPromise: Promise<number>;

  constructor(private readonly opts: TuiOptions) {
    this.theme = new Theme(opts.color ?? colorWanted());
    // the terminal title is set with an escape sequence: no raw control characters in it
    this.screen = createScreen({ title: `tls-inspect ${sanitizeTerminal(opts.source)}`, input: opts.input, output: opts.output, terminal: opts.terminal });
    this.guard = guardTerminal(this.screen, opts.captureStderr !== false);
    this.quitPromise = new Promise((resolve) => {
      this.resolveQuit = resolve;
    });
    try {
      this.header = blessed.box({ parent: this.screen, tags: true, wrap: false });
      this.footer = blessed.box({ parent: this.screen, tags: true, wrap: false });
      this.connections = new ConnectionsView(this.screen, this.theme, this.table, {
        open: (row) => this.openConnection(row.model),
        changed: () => this.render(),
      });
      this.connection = new ConnectionView(this.screen, this.theme, () => this.render());
      this.statsView = new StatsView(this.screen, this.theme, this.stats, () => this.opts.mode === 'live', () => this.render());
      this.help = new HelpOverlay(this.screen, this.theme);
      this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
        try {
          const t0 = TRACE ? traceStart() : undefined;
          this.onKey(ch, key);
          if (t0) trace(`key ${keyName(ch, key)}`, t0);
        } catch (err) {
          this.setStatus(`internal error: ${err instanceof Error ? err.message : String(err)}`, 'error');
        }
      });
      this.screen.on('resize', () => this.relayout());
      this.relayout();
      this.showView('connections');
    } catch (err) {
      // never leave the terminal in the TUI's state
      this.guard.release();
      throw err;
    }
    this.spinner = setInterval(() => {
      const loading = this.progress !== undefined && !this.progress.done;
      // live stats: the time axis moves on even when no handshake arrives
      if (loading || (this.opts.mode === 'live' && this.view === 'stats')) {
        this.tick++;
        this.scheduleRender();
      }
    }, 250);
    this.spinner.unref();
  }

  /** Resolves with the exit code when the user quits. */
  waitForQuit(): Promise<number> {
    return this.quitPromise;
  }

  /** Adds a finished connection (or replaces the one with the same id: live snapshots). */
  /** Live mode: rows dropped (oldest first) to keep the table bounded on long runs. */
  droppedRows = 0;

  addConnection(c: ConnectionModel): void {
    if (this.closed) return;
    const old = this.table.get(connectionKey(c));
    if (old) this.stats.add(old.model, -1);
    this.table.upsert(c);
    if (this.opts.mode === 'live') {
      // long live runs: keep at most MAX_LIVE_ROWS rows (the stats keep counting everything)
      while (this.table.counts().total > MAX_LIVE_ROWS) {
        const oldest = this.table.oldest();
        if (!oldest || connectionKey(oldest.model) === connectionKey(c)) break;
        this.table.remove(connectionKey(oldest.model));
        this.droppedRows++;
      }
    }
    this.stats.add(c, 1);
    const open = this.connection.connection;
    if (this.view === 'connection' && open && connectionKey(open) === connectionKey(c)) this.connection.update(c);
    this.scheduleRender();
  }

  setProgress(p: ProgressInfo): void {
    this.progress = p;
    this.scheduleRender();
  }

  setStatus(text: string, level: StatusLevel = 'info'): void {
    this.status = { text, level };
    this.scheduleRender();
  }

  /** Loading done: what the empty list says (from the pipeline's counts, ./view-model/empty-reason.ts). */
  setLoadFacts(f: LoadFacts): void {
    this.connections.emptyReason = emptyListReason(f);
    this.scheduleRender();
  }

  /** Live mode hook (issue 8): what the capture is doing, shown with a LIVE mark; null hides it. */
  setLiveStatus(text: string | null): void {
    this.live = text;
    this.scheduleRender();
  }

  /** Restore the terminal (idempotent). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.throttle.cancel();
    if (this.spinner) clearInterval(this.spinner);
    this.statsView.show(false);
    this.guard.release();
  }

  quit(code = 0): void {
    this.destroy();
    this.resolveQuit?.(code);
  }

  private relayout(): void {
    const w = Number(this.screen.width);
    const h = Number(this.screen.height);
    const l = connectionsLayout(w, h);
    place(this.header, l.header);
    place(this.footer, l.footer);
    this.connections.layout(l);
    this.connection.layout(w, h);
    this.statsView.layout(w, h);
    this.help.layout(w, h);
    this.render();
  }

  private showView(v: View): void {
    this.view = v;
    this.connections.show(v === 'connections');
    this.connection.show(v === 'connection');
    this.statsView.show(v === 'stats');
    if (v === 'connection') this.header.hide();
    else this.header.show();
  }

  private openConnection(c: ConnectionModel): void {
    this.connection.setConnection(c);
    this.showView('connection');
    // a key's own render follows at once (onKey); a mouse click gets this one
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (!this.closed) this.throttle.request();
  }

  render(): void {
    if (this.closed) return;
    const t0 = TRACE ? traceStart() : undefined;
    this.renderNow();
    if (t0) trace(`render ${this.view}`, t0);
  }

  private renderNow(): void {
    this.throttle.painted();
    const w = Number(this.screen.width);
    if (this.view !== 'connection') {
      const lines = headerLines(
        {
          source: this.opts.source,
          progress: this.progress,
          status: this.status,
          live: this.live,
          counts: this.table.counts(),
          filters: [...this.table.filters],
          search: this.search?.text ?? this.table.searchText,
          sort: this.table.sort,
        },
        w,
        this.tick,
      );
      this.header.setContent(lines.map((l) => this.theme.line(l)).join('\n'));
    }
    this.footer.setContent(this.theme.line(footerLine(this.view, w, this.search?.text, this.progress)));
    if (this.view === 'connections') this.connections.paint();
    else if (this.view === 'connection') this.connection.paint();
    else this.statsView.paint();
    this.help.paint();
    this.screen.render();
  }

  private onKey(ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined): void {
    if (this.closed) return;
    const name = keyName(ch, key);
    if (name === 'return' || name === 'linefeed') return; // blessed also sends 'enter' for these
    if (this.search) {
      this.searchKey(name, ch);
      this.render();
      return;
    }
    const actions = actionsFor(name);
    if (this.help.isOpen) {
      this.help.handle(actions[0]);
      this.render();
      return;
    }
    for (const a of actions) {
      if (this.dispatch(a)) break;
    }
    if (this.closed) return;
    this.render();
  }

  private searchKey(name: string, ch: string | undefined): void {
    const edit = editSearchLine(this.search!, name, ch);
    if (edit.apply !== null) this.table.setSearch(edit.apply);
    if (edit.closed) this.search = undefined;
  }

  private dispatch(a: Action): boolean {
    switch (a) {
      case 'quit':
        this.quit(0);
        return true;
      case 'help':
        this.help.open();
        return true;
      case 'redraw':
        this.screen.realloc();
        return true;
      case 'stats':
        if (this.view === 'stats') this.showView(this.viewBeforeStats);
        else {
          this.viewBeforeStats = this.view;
          this.showView('stats');
          this.statsView.paint(true);
        }
        return true;
      default:
    }
    if (this.view === 'stats') {
      if (a === 'back') this.showView(this.viewBeforeStats);
      return true;
    }
    if (this.view === 'connection') return this.connectionKey(a);
    return this.connectionsKey(a);
  }

  private connectionsKey(a: Action): boolean {
    switch (a) {
      case 'search':
        this.search = { text: this.table.searchText, before: this.table.searchText };
        return true;
      case 'back':
        if (this.table.searchText !== '') this.table.setSearch('');
        return true;
      case 'filterFailed':
        this.table.toggleFilter('failed');
        return true;
      case 'filterMtls':
        this.table.toggleFilter('mtls');
        return true;
      case 'filterTls13':
        this.table.toggleFilter('tls13');
        return true;
      case 'clearFilters':
        this.table.clearFilters();
        return true;
      case 'sortNext':
        this.table.nextSortColumn();
        return true;
      case 'sortReverse':
        this.table.reverseSort();
        return true;
      default:
        return this.connections.handle(a);
    }
  }

  private connectionKey(a: Action): boolean {
    if (a === 'back') {
      const open = this.connection.connection;
      const id = open ? connectionKey(open) : undefined;
      this.showView('connections');
      if (id !== undefined) this.connections.selectId(id);
      return true;
    }
    if (a === 'nextConnection' || a === 'prevConnection') {
      const row = this.connections.neighbour(a === 'nextConnection' ? 1 : -1);
      if (row) this.connection.setConnection(row.model);
      return true;
    }
    return this.connection.handle(a);
  }
}
