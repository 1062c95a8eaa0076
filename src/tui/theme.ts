/**
 * Styles to blessed tags. Every segment's text goes through sanitizeBlessed here — the one place
 * where text meets the tag parser — so a wire string like `{red-fg}x{/}` or one holding ESC shows
 * literally. Without colour (NO_COLOR, or a terminal without colours) only bold / underline /
 * inverse remain, and the view-model always adds a textual marker too (verdict words, `!`, `*`).
 */
import { sanitizeBlessed } from '../report/sanitize.js';
import type { Segment, Style, StyledLine } from './view-model/styled.js';

interface TagPair {
  open: string;
  close: string;
}

const COLOR_TAGS: Record<Style, string[]> = {
  plain: [],
  bold: ['bold'],
  dim: ['gray-fg'],
  header: ['bold', 'underline'],
  alert: ['red-fg', 'bold'],
  'client-cert': ['cyan-fg', 'bold'],
  decrypted: ['green-fg'],
  inferred: ['yellow-fg'],
  encrypted: ['gray-fg'],
  ok: ['green-fg'],
  'mtls-ok': ['green-fg', 'bold'],
  failed: ['red-fg', 'bold'],
  warning: ['yellow-fg'],
  incomplete: ['yellow-fg'],
  'not-tls': ['gray-fg'],
  error: ['red-fg', 'bold'],
  info: ['cyan-fg'],
  key: ['bold', 'cyan-fg'],
  highlight: ['inverse'],
  'highlight-header': ['inverse', 'underline'],
  'record-header': ['blue-fg'],
};

const MONO_TAGS: Record<Style, string[]> = {
  plain: [],
  bold: ['bold'],
  dim: [],
  header: ['bold', 'underline'],
  alert: ['bold'],
  'client-cert': ['bold'],
  decrypted: [],
  inferred: [],
  encrypted: [],
  ok: [],
  'mtls-ok': ['bold'],
  failed: ['bold'],
  warning: ['underline'],
  incomplete: [],
  'not-tls': [],
  error: ['bold'],
  info: [],
  key: ['bold'],
  highlight: ['inverse'],
  'highlight-header': ['inverse', 'underline'],
  'record-header': [],
};

function pairs(table: Record<Style, string[]>): Record<Style, TagPair> {
  const out = {} as Record<Style, TagPair>;
  for (const [k, tags] of Object.entries(table) as Array<[Style, string[]]>) {
    out[k] = {
      open: tags.map((t) => `{${t}}`).join(''),
      close: tags
        .slice()
        .reverse()
        .map((t) => `{/${t}}`)
        .join(''),
    };
  }
  return out;
}

export class Theme {
  private readonly tags: Record<Style, TagPair>;

  constructor(readonly color: boolean) {
    this.tags = pairs(color ? COLOR_TAGS : MONO_TAGS);
  }

  /** Blessed colour name for borders / widget styles (undefined without colour). */
  fg(name: 'cyan' | 'gray' | 'red' | 'green' | 'yellow' | 'blue' | 'white'): string | undefined {
    return this.color ? name : undefined;
  }

  segment(s: Segment): string {
    const text = sanitizeBlessed(s.text);
    if (!s.style || text === '') return text;
    const t = this.tags[s.style];
    return t.open + text + t.close;
  }

  /** One line as tagged text; `selected` wraps it in inverse video. */
  line(l: StyledLine, selected = false): string {
    let s = '';
    for (const p of l) s += this.segment(p);
    return selected ? `{inverse}${s}{/inverse}` : s;
  }
}

/** Colour unless NO_COLOR is set (https://no-color.org) or the terminal is "dumb". */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
