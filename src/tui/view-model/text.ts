/**
 * Column arithmetic for terminal cells: display width (East Asian wide characters count 2,
 * combining marks 0), truncation with an ellipsis, padding and word wrapping. Pure functions; the
 * input is expected to be terminal-safe already (sanitizeTerminal), so no control characters.
 */
import { sanitizeTerminal } from '../../report/sanitize.js';
import { endpointText } from '../../net/address.js';

/** Display width of one code point in terminal cells. */
export function codePointWidth(cp: number): number {
  if (cp === 0) return 0;
  // combining marks, zero-width joiner / space, variation selectors
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    (cp >= 0x200b && cp <= 0x200d) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** The longest prefix of `s` that fits in `width` cells. */
function takeWidth(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > width) break;
    w += cw;
    out += ch;
  }
  return out;
}

/** The longest suffix of `s` that fits in `width` cells. */
function takeWidthEnd(s: string, width: number): string {
  const chars = Array.from(s);
  let w = 0;
  let i = chars.length;
  while (i > 0) {
    const cw = codePointWidth(chars[i - 1].codePointAt(0) ?? 0);
    if (w + cw > width) break;
    w += cw;
    i--;
  }
  return chars.slice(i).join('');
}

/** Whether `s` fits in `width` cells; looks at no more than width + 1 code points' worth. */
function fitsIn(s: string, width: number): boolean {
  if (s.length <= width && !/[^\x20-\x7e]/.test(s)) return true;
  let w = 0;
  for (const ch of s) {
    w += codePointWidth(ch.codePointAt(0) ?? 0);
    if (w > width) return false;
  }
  return true;
}

/** Truncate to `width` cells with a trailing ellipsis (no padding). Linear in `width`, not in the
 * length of `s` (wire strings can be megabytes). */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (fitsIn(s, width)) return s;
  return `${takeWidth(s, width - 1)}…`;
}

/** Display strings longer than `max` UTF-16 units are cut, saying how much was left out. */
export const DISPLAY_MAX = 4000;
export function clipDisplay(s: string, max = DISPLAY_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length - max} more)`;
}

/** A wire string ready for a TUI line: clipped to DISPLAY_MAX, then terminal-safe. */
export function displayText(s: string): string {
  return sanitizeTerminal(clipDisplay(s));
}

/** Exactly `width` cells: truncated with an ellipsis, or padded (right-aligned when `right`). */
export function fit(s: string, width: number, right = false): string {
  const t = truncate(s, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return right ? pad + t : t + pad;
}

/** Exactly `width` cells, cutting in the middle so both ends stay readable (addresses: the port). */
export function fitMiddle(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return fit(s, width);
  if (width < 5) return fit(s, width);
  const tail = Math.floor((width - 1) / 2);
  const head = width - 1 - tail;
  return fit(`${takeWidth(s, head)}…${takeWidthEnd(s, tail)}`, width);
}

/**
 * Word-wrap to lines of at most `width` cells; words longer than a line are split. `indent` is put
 * in front of continuation lines. Linear in the length of `s`: every code point is measured once,
 * however long a word is.
 */
export function wrap(s: string, width: number, indent = ''): string[] {
  if (width <= 0) return [];
  const out: string[] = [];
  const indentW = displayWidth(indent);
  let line = '';
  let lineW = 0;
  /** Cells of the current line that are text, not the indent. */
  let textW = 0;
  const push = (): void => {
    out.push(line);
    line = indent;
    lineW = indentW;
    textW = 0;
  };
  for (const word of s.split(/ +/)) {
    if (word === '') continue;
    const ww = displayWidth(word);
    const sep = textW > 0 ? 1 : 0;
    if (lineW + sep + ww <= width) {
      line += (sep ? ' ' : '') + word;
      lineW += sep + ww;
      textW += sep + ww;
      continue;
    }
    if (textW > 0) push();
    if (lineW + ww <= width) {
      line += word;
      lineW += ww;
      textW += ww;
      continue;
    }
    // a word longer than a line: split it, walking its code points once
    let part = '';
    for (const ch of word) {
      const cw = codePointWidth(ch.codePointAt(0) ?? 0);
      if (lineW + cw > width && (textW > 0 || part !== '')) {
        line += part;
        part = '';
        push();
      }
      if (lineW + cw > width && textW === 0 && part === '' && lineW > 0) {
        // not even one character fits after the indent: this line goes without it
        line = '';
        lineW = 0;
      }
      part += ch;
      lineW += cw;
      textW += cw;
    }
    line += part;
  }
  if (textW > 0 || out.length === 0) out.push(line);
  return out;
}

/** 12345 -> "12,345". */
export function thousands(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "ip:port", IPv6 in brackets (the one endpoint formatter, net/address.ts). */
export const endpoint = endpointText;
