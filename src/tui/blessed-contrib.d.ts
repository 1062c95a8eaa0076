/**
 * Minimal types for the blessed-contrib widgets the TUI uses (the package ships none). The widgets
 * are imported by file so the rest of blessed-contrib (maps, markdown ...) is not loaded at start.
 */
declare module 'blessed-contrib/lib/widget/charts/bar.js' {
  import type { Widgets } from 'blessed';

  interface BarOptions extends Widgets.BoxOptions {
    barWidth?: number;
    barSpacing?: number;
    xOffset?: number;
    maxHeight?: number;
    showText?: boolean;
    barBgColor?: string;
    barFgColor?: string;
    labelColor?: string;
  }

  interface BarElement extends Widgets.BoxElement {
    /** Only after the widget is attached to a screen. */
    setData(data: { titles: string[]; data: number[] }): void;
  }

  function bar(options: BarOptions): BarElement;
  export default bar;
}

declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';

  interface LineOptions extends Widgets.BoxOptions {
    showNthLabel?: number;
    xLabelPadding?: number;
    xPadding?: number;
    numYLabels?: number;
    wholeNumbersOnly?: boolean;
    minY?: number;
    maxY?: number;
    showLegend?: boolean;
    style?: { line?: string; text?: string; baseline?: string } & Widgets.Types.TStyle;
  }

  interface LineElement extends Widgets.BoxElement {
    /** Only after the widget is attached to a screen. */
    setData(series: Array<{ title: string; x: string[]; y: number[]; style?: { line?: string } }>): void;
  }

  function line(options: LineOptions): LineElement;
  export default line;
}

declare module 'blessed-contrib/lib/widget/sparkline.js' {
  import type { Widgets } from 'blessed';

  interface SparklineElement extends Widgets.BoxElement {
    /** Titles are parsed as blessed tags. */
    setData(titles: string[], datasets: number[][]): void;
  }

  function sparkline(options: Widgets.BoxOptions & { style?: { titleFg?: string } & Widgets.Types.TStyle }): SparklineElement;
  export default sparkline;
}
