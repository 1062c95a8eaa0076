/**
 * Every key of the TUI in one table: the app dispatches from it and the help overlay is generated
 * from it, so the help always lists every key.
 */
import { seg, type StyledLine } from './styled.js';
import { fit, wrap } from './text.js';

export type Action =
  | 'down'
  | 'up'
  | 'pageDown'
  | 'pageUp'
  | 'top'
  | 'bottom'
  | 'enter'
  | 'back'
  | 'nextPane'
  | 'prevPane'
  | 'search'
  | 'filterFailed'
  | 'filterMtls'
  | 'filterTls13'
  | 'clearFilters'
  | 'sortNext'
  | 'sortReverse'
  | 'stats'
  | 'maximize'
  | 'clientCert'
  | 'nextConnection'
  | 'prevConnection'
  | 'expand'
  | 'collapse'
  | 'toggle'
  | 'expandAll'
  | 'collapseAll'
  | 'help'
  | 'redraw'
  | 'quit';

export type KeyContext = 'anywhere' | 'lists' | 'connections' | 'connection' | 'tree';

export interface KeyBinding {
  action: Action;
  /** Key names as produced by keyName(). */
  keys: string[];
  /** How the keys are written in the help. */
  label: string;
  help: string;
  context: KeyContext;
}

export const BINDINGS: readonly KeyBinding[] = [
  { action: 'down', keys: ['down', 'j'], label: 'Down / j', help: 'move down', context: 'lists' },
  { action: 'up', keys: ['up', 'k'], label: 'Up / k', help: 'move up', context: 'lists' },
  { action: 'pageDown', keys: ['pagedown', 'C-d', 'C-f'], label: 'PgDn / C-d', help: 'page down', context: 'lists' },
  { action: 'pageUp', keys: ['pageup', 'C-u', 'C-b'], label: 'PgUp / C-u', help: 'page up', context: 'lists' },
  { action: 'top', keys: ['home', 'g'], label: 'Home / g', help: 'first line', context: 'lists' },
  { action: 'bottom', keys: ['end', 'G'], label: 'End / G', help: 'last line', context: 'lists' },
  { action: 'enter', keys: ['enter'], label: 'Enter', help: 'open the connection / show the event in the detail pane / open or close a tree node', context: 'anywhere' },
  { action: 'back', keys: ['escape', 'backspace'], label: 'Esc / Backspace', help: 'back to the connection list (or clear the search)', context: 'anywhere' },
  { action: 'nextPane', keys: ['tab'], label: 'Tab', help: 'next pane', context: 'connection' },
  { action: 'prevPane', keys: ['S-tab'], label: 'Shift-Tab', help: 'previous pane', context: 'connection' },
  { action: 'search', keys: ['/'], label: '/', help: 'search (address, SNI, alert, subject ...); Enter keeps it, Esc cancels', context: 'connections' },
  { action: 'filterFailed', keys: ['f'], label: 'f', help: 'failed connections only (toggle)', context: 'connections' },
  { action: 'filterMtls', keys: ['m'], label: 'm', help: 'mutual-TLS connections only (toggle)', context: 'connections' },
  { action: 'filterTls13', keys: ['t'], label: 't', help: 'TLS 1.3 connections only (toggle)', context: 'connections' },
  { action: 'clearFilters', keys: ['a'], label: 'a', help: 'all connections: clear filters and search', context: 'connections' },
  { action: 'sortNext', keys: ['s'], label: 's', help: 'sort by the next column (or click a column title)', context: 'connections' },
  { action: 'sortReverse', keys: ['S'], label: 'S', help: 'reverse the sort order', context: 'connections' },
  { action: 'clientCert', keys: ['c'], label: 'c', help: "jump to the client's Certificate in the ladder", context: 'connection' },
  { action: 'nextConnection', keys: [']', 'n'], label: '] / n', help: 'next connection', context: 'connection' },
  { action: 'prevConnection', keys: ['[', 'p'], label: '[ / p', help: 'previous connection', context: 'connection' },
  { action: 'maximize', keys: ['z'], label: 'z', help: 'maximise / restore the focused pane', context: 'connection' },
  { action: 'toggle', keys: ['space'], label: 'Space', help: 'open / close the tree node', context: 'tree' },
  { action: 'expand', keys: ['right', 'l'], label: 'Right / l', help: 'open the tree node', context: 'tree' },
  { action: 'collapse', keys: ['left', 'h'], label: 'Left / h', help: 'close the node (or go to its parent)', context: 'tree' },
  { action: 'expandAll', keys: ['+', '='], label: '+', help: 'open every node', context: 'tree' },
  { action: 'collapseAll', keys: ['-'], label: '-', help: 'close every node', context: 'tree' },
  { action: 'stats', keys: ['v'], label: 'v', help: 'statistics view (again: back)', context: 'anywhere' },
  { action: 'help', keys: ['?', 'f1'], label: '? / F1', help: 'this help (arrows scroll; Esc, q or ? closes it)', context: 'anywhere' },
  { action: 'redraw', keys: ['C-l'], label: 'C-l', help: 'redraw the screen', context: 'anywhere' },
  { action: 'quit', keys: ['q', 'C-c'], label: 'q / C-c', help: 'quit', context: 'anywhere' },
];

const CONTEXT_TITLE: Record<KeyContext, string> = {
  anywhere: 'Everywhere',
  lists: 'Lists (table, ladder, tree, hex, diagnosis)',
  connections: 'Connections view',
  connection: 'Connection view (ladder, detail, hex, diagnosis)',
  tree: 'Detail tree',
};

export const MOUSE_HELP: readonly string[] = [
  'click a row: select it (click the selected connection again: open it)',
  'click a column title: sort by it (again: reverse)',
  'click a pane: focus it; wheel: scroll',
];

/** Normalised key name from blessed's (ch, key): printable characters as themselves. */
export function keyName(ch: string | undefined, key: { full?: string; name?: string; ctrl?: boolean; meta?: boolean } | undefined): string {
  if (ch === ' ') return 'space';
  if (ch && ch.length === 1 && ch >= '!' && ch <= '~' && !key?.ctrl && !key?.meta) return ch;
  return key?.full ?? key?.name ?? ch ?? '';
}

const INDEX = new Map<string, KeyBinding[]>();
for (const b of BINDINGS) {
  for (const k of b.keys) {
    const list = INDEX.get(k) ?? [];
    list.push(b);
    INDEX.set(k, list);
  }
}

/** The actions a key name may mean (the app picks by context). */
export function actionsFor(name: string): Action[] {
  return (INDEX.get(name) ?? []).map((b) => b.action);
}

/** The help overlay's lines, grouped by context. */
export function helpLines(width: number): StyledLine[] {
  const out: StyledLine[] = [];
  const labelW = Math.max(...BINDINGS.map((b) => b.label.length)) + 2;
  const contexts: KeyContext[] = ['anywhere', 'lists', 'connections', 'connection', 'tree'];
  for (const ctx of contexts) {
    out.push([seg(CONTEXT_TITLE[ctx], 'header')]);
    for (const b of BINDINGS.filter((x) => x.context === ctx)) {
      const parts = wrap(b.help, Math.max(10, width - labelW - 2));
      parts.forEach((p, i) => out.push([seg(`  ${fit(i === 0 ? b.label : '', labelW)}`, 'key'), seg(p)]));
    }
    out.push([seg('')]);
  }
  out.push([seg('Mouse', 'header')]);
  for (const m of MOUSE_HELP) for (const p of wrap(m, Math.max(10, width - 2), '  ')) out.push([seg(`  ${p}`)]);
  out.push([seg('')]);
  out.push([seg('Ladder: ---- plaintext  ==== decrypted  ~~~~ inferred  .... encrypted', 'dim')]);
  out.push([seg('        ! alert (red)   * client Certificate (cyan)', 'dim')]);
  return out;
}

const HINTS: Record<'connections' | 'connection' | 'stats', string[]> = {
  connections: ['Enter open', '/ search', 'f failed', 'm mTLS', 't 1.3', 'a all', 's sort', 'v stats', '? help', 'q quit'],
  connection: ['Tab pane', 'Enter detail', 'c client cert', '[ ] conn', 'z max', 'Esc back', 'v stats', '? help', 'q quit'],
  stats: ['v / Esc back', '? help', 'q quit'],
};

/** The key hints in the footer of each view, at most `width` columns: hints are dropped from the
 * right of the optional ones, `? help  q quit` always stay. */
export function footerHints(view: 'connections' | 'connection' | 'stats', width = Infinity): string {
  const all = HINTS[view];
  const fixed = all.slice(-2);
  const optional = all.slice(0, -2);
  while (optional.length > 0 && [...optional, ...fixed].join('  ').length > width) optional.pop();
  return [...optional, ...fixed].join('  ');
}
