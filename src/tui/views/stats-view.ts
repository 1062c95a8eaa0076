/**
 * The stats view: blessed-contrib bar charts (alerts by name, client-certificate status, versions),
 * a line chart of handshakes over time, and the same numbers as text tables (readable without
 * colour, and the only place long names are shown in full). Canvas widgets size themselves when
 * attached, so they are rebuilt on every layout change; data refreshes at most twice a second.
 */
import blessed from 'blessed';
import { createRequire } from 'node:module';
import type { Theme } from '../theme.js';
import { place } from './connections-view.js';
import { statsLayout, type Rect } from '../view-model/layout.js';
import { countLines, formatDuration, type Count, type StatsModel } from '../view-model/stats.js';
import { seg, type StyledLine } from '../view-model/styled.js';
import { truncate } from '../view-model/text.js';
import { displayText } from '../view-model/text.js';
import { screenUnicode } from '../screen.js';

const REFRESH_MS = 500;

/** blessed-contrib widgets, loaded on the first visit to the stats view (not at start-up). */
interface Contrib {
  bar: typeof import('blessed-contrib/lib/widget/charts/bar.js').default;
  line: typeof import('blessed-contrib/lib/widget/charts/line.js').default;
  sparkline: typeof import('blessed-contrib/lib/widget/sparkline.js').default;
}

let contribCache: Contrib | undefined;

function contrib(): Contrib {
  if (!contribCache) {
    const require = createRequire(import.meta.url);
    contribCache = {
      bar: require('blessed-contrib/lib/widget/charts/bar.js') as Contrib['bar'],
      line: require('blessed-contrib/lib/widget/charts/line.js') as Contrib['line'],
      sparkline: require('blessed-contrib/lib/widget/sparkline.js') as Contrib['sparkline'],
    };
  }
  return contribCache;
}

/** Bars that fit in `width` cells: count, spacing and bar width. */
export function barGeometry(n: number, width: number): { shown: number; spacing: number; barWidth: number } {
  const usable = Math.max(6, width - 4);
  const shown = Math.max(1, Math.min(n, Math.floor(usable / 6)));
  const spacing = Math.max(6, Math.min(16, Math.floor(usable / shown)));
  return { shown, spacing, barWidth: Math.max(2, spacing - 3) };
}

export class StatsView {
  private charts: blessed.Widgets.BoxElement[] = [];
  private readonly tables: blessed.Widgets.BoxElement;
  private rect: ReturnType<typeof statsLayout> | undefined;
  private visible = false;
  private lastRefresh = 0;
  private dirtyLayout = true;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
    private readonly stats: StatsModel,
    /** Live mode: the time axis runs to now. */
    private readonly live: () => boolean,
    /** Asks the app for a render (data that arrived during the refresh interval). */
    private readonly requestRender: () => void,
  ) {
    this.tables = blessed.box({
      parent: screen,
      tags: true,
      wrap: false,
      border: { type: 'line' },
      label: ' Counts ',
      style: { border: { fg: theme.fg('gray') } },
    });
    this.tables.hide();
  }

  layout(w: number, h: number): void {
    this.rect = statsLayout(w, h);
    place(this.tables, this.rect.tables);
    this.dirtyLayout = true;
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      this.tables.show();
      this.dirtyLayout = true;
    } else {
      this.tables.hide();
      this.destroyCharts();
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  private add(el: blessed.Widgets.BoxElement): void {
    this.screen.append(el);
    this.charts.push(el);
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  /** Box options without a parent: canvas widgets must be appended after construction, or they
   * miss their 'attach' event and never create their drawing context. */
  private frame(r: Rect, label: string): blessed.Widgets.BoxOptions {
    return { top: r.top, left: r.left, width: r.width, height: r.height, label: ` ${truncate(label, Math.max(4, r.width - 6))} `, border: { type: 'line' }, style: { border: { fg: this.theme.fg('gray') } } };
  }

  private barChart(r: Rect, label: string, counts: Count[]): void {
    if (counts.length === 0 || r.width < 12 || r.height < 6) {
      this.add(blessed.box({ ...this.frame(r, label), tags: true, content: this.theme.line([seg(' (none yet)', 'dim')]) }));
      return;
    }
    const g = barGeometry(counts.length, r.width);
    const shown = counts.slice(0, g.shown);
    const chart = contrib().bar({
      ...this.frame(r, label),
      barWidth: g.barWidth,
      barSpacing: g.spacing,
      xOffset: 1,
      maxHeight: Math.max(...shown.map((c) => c.value)),
      barBgColor: this.theme.color ? 'cyan' : 'white',
      labelColor: 'white',
    });
    this.add(chart);
    // canvas text is not tag-parsed; still only terminal-safe, short names reach it
    chart.setData({ titles: shown.map((c) => truncate(displayText(c.label), g.spacing - 1)), data: shown.map((c) => c.value) });
  }

  private timeline(r: Rect): void {
    const small = r.height < 9;
    const buckets = small ? Math.max(4, Math.min(200, r.width - 4)) : Math.max(4, Math.min(60, Math.floor((r.width - 14) / 2)));
    const t = this.stats.timeline(buckets, this.live() ? Date.now() : undefined);
    const total = t.counts.reduce((a, b) => a + b, 0);
    const label = `Handshakes over time (${total}${t.bucketMs > 0 ? `, ${formatDuration(t.bucketMs)} per point` : ''})`;
    if (total === 0 || r.width < 30) {
      this.add(blessed.box({ ...this.frame(r, label), tags: true, content: this.theme.line([seg(' (none yet)', 'dim')]) }));
      return;
    }
    if (small) {
      // too low for axes: one sparkline row per bucket
      const spark = contrib().sparkline({ ...this.frame(r, label), tags: true, style: { titleFg: 'white' } });
      this.add(spark);
      const peak = Math.max(...t.counts);
      spark.setData([`0 .. ${formatDuration(t.bucketMs * t.counts.length)}, peak ${peak} per point`], [t.counts]);
      return;
    }
    const chart = contrib().line({
      ...this.frame(r, label),
      showLegend: false,
      wholeNumbersOnly: true,
      minY: 0,
      maxY: Math.max(2, ...t.counts),
      numYLabels: Math.min(4, Math.max(2, r.height - 5)),
      xLabelPadding: 3,
      xPadding: 6,
      showNthLabel: Math.max(1, Math.ceil(buckets / 6)),
      style: { line: this.theme.color ? 'cyan' : 'white', text: 'white', baseline: 'white' },
    });
    this.add(chart);
    const x = t.counts.map((_, i) => `+${formatDuration(i * t.bucketMs)}`);
    chart.setData([{ title: 'handshakes', x, y: t.counts }]);
  }

  private tableLines(width: number, height: number): StyledLine[] {
    const colW = Math.max(16, Math.floor(width / 4));
    const bar = screenUnicode(this.screen) ? '\u2588' : '#';
    const data = [
      countLines('Alerts', this.stats.alerts.sorted(), colW - 2, height - 1, bar),
      countLines('Versions', this.stats.versions.sorted(), colW - 2, height - 1, bar),
      countLines('Client cert', this.stats.certStatus.sorted(), colW - 2, height - 1, bar),
      countLines('Verdicts', this.stats.verdicts.sorted(), colW - 2, height - 1, bar),
    ];
    const n = Math.max(...data.map((d) => d.length));
    const out: StyledLine[] = [];
    for (let i = 0; i < Math.min(n, height); i++) {
      const l: StyledLine = [];
      for (const d of data) {
        const text = truncate(displayText(d[i] ?? ''), colW - 1).padEnd(colW);
        l.push(seg(text, i === 0 ? 'header' : undefined));
      }
      out.push(l);
    }
    return out;
  }

  /** Rebuild the charts when the layout changed or the data is older than REFRESH_MS. */
  paint(force = false): void {
    if (!this.visible || !this.rect) return;
    const now = Date.now();
    if (!force && !this.dirtyLayout && now - this.lastRefresh < REFRESH_MS) {
      if (!this.refreshTimer) {
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = undefined;
          this.requestRender();
        }, REFRESH_MS - (now - this.lastRefresh));
      }
      return;
    }
    this.lastRefresh = now;
    this.dirtyLayout = false;
    this.destroyCharts();
    const r = this.rect;
    this.barChart(r.alerts, 'Alerts by name', this.stats.alerts.sorted());
    this.barChart(r.certStatus, 'Client certificate', this.stats.certStatus.sorted());
    this.barChart(r.versions, 'Versions', this.stats.versions.sorted());
    this.timeline(r.timeline);
    const inner = { w: Number(this.tables.width) - 2, h: Number(this.tables.height) - 2 };
    this.tables.setContent(this.tableLines(inner.w, inner.h).map((l) => this.theme.line(l)).join('\n'));
  }
}
