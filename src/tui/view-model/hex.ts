/**
 * The hex pane: the selected event's bytes as offset / hex / ASCII lines, with the message's bytes
 * highlighted inside its record (and its 4-byte handshake header marked apart). Printable ASCII
 * only in the text column; everything else is a dot, so no byte can reach the terminal raw.
 */
import type { EventModel } from '../../analysis/model.js';
import type { EventBytes } from '../../analysis/event-bytes.js';
import { seg, type Style, type StyledLine } from './styled.js';

export interface HexView {
  title: string;
  rows: HexRows;
}

function noteRows(text: string): HexRows {
  const line: StyledLine = [seg(text, 'dim')];
  return { count: 1, row: () => line };
}

export interface HexRange {
  start: number;
  end: number;
  style: Style;
}

/** Bytes per line that fit in `width` cells: offset(6) + 3 per byte + gap + 1 per byte. */
export function bytesPerLine(width: number): number {
  for (const n of [32, 16, 8, 4]) if (8 + n * 4 + 1 <= width) return n;
  return 4;
}

function hex2(b: number): string {
  return (b < 16 ? '0' : '') + b.toString(16);
}

function asciiOf(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

function styleAt(i: number, ranges: HexRange[]): Style | undefined {
  for (const r of ranges) if (i >= r.start && i < r.end) return r.style;
  return undefined;
}

/** Appends text to the line, merging with the last segment when the style is the same. */
function put(line: StyledLine, text: string, style: Style | undefined): void {
  const last = line[line.length - 1];
  if (last && last.style === style) last.text += text;
  else line.push(seg(text, style));
}

/** One dump line: `perLine` bytes from `off`, hex and ASCII, with styled `ranges`. */
function hexLine(bytes: Uint8Array, n: number, ranges: HexRange[], perLine: number, off: number): StyledLine {
  const line: StyledLine = [seg(`${off.toString(16).padStart(6, '0')}  `, 'dim')];
  const end = Math.min(off + perLine, n);
  for (let i = off; i < off + perLine; i++) {
    if (i >= end) {
      put(line, '   ', undefined);
      continue;
    }
    const st = styleAt(i, ranges);
    put(line, hex2(bytes[i]), st);
    // the space after a byte is styled only when the next byte continues the same range
    put(line, ' ', i + 1 < end && styleAt(i + 1, ranges) === st ? st : undefined);
  }
  put(line, ' ', undefined);
  for (let i = off; i < end; i++) put(line, asciiOf(bytes[i]), styleAt(i, ranges));
  return line;
}

/** Lines made when they are drawn (a certificate message can be megabytes; only the visible window
 * of the pane is ever formatted). */
export interface HexRows {
  count: number;
  row(i: number): StyledLine;
}

/** Dump `bytes` with styled `ranges` (first matching range wins), at most `maxLines` lines, lazily. */
export function hexRows(bytes: Uint8Array, ranges: HexRange[], perLine: number, maxLines = 4096): HexRows {
  const n = Math.min(bytes.length, perLine * maxLines);
  const dumpLines = Math.ceil(n / perLine);
  const more = bytes.length > n ? [seg(`(${bytes.length - n} more bytes not shown)`, 'dim')] : undefined;
  return {
    count: dumpLines + (more ? 1 : 0),
    row: (i) => (i < dumpLines ? hexLine(bytes, n, ranges, perLine, i * perLine) : (more ?? [])),
  };
}

/** Every line of hexRows at once. */
export function hexLines(bytes: Uint8Array, ranges: HexRange[], perLine: number, maxLines = 4096): StyledLine[] {
  const r = hexRows(bytes, ranges, perLine, maxLines);
  return Array.from({ length: r.count }, (_, i) => r.row(i));
}

/** What the hex pane shows for an event (and why nothing, when there are no bytes). */
export function eventHex(e: EventModel | undefined, b: EventBytes | undefined, width: number): HexView {
  if (!e) return { title: 'none', rows: noteRows('no event selected') };
  if (!b) return { title: 'none', rows: noteRows('the pipeline kept no bytes for this event') };
  const per = bytesPerLine(width);
  const isHandshake = e.kind === 'handshake';
  if (b.record && e.visibility !== 'decrypted') {
    const start = Math.max(0, Math.min(b.rawOffset ?? 0, b.record.length));
    const end = Math.min(b.record.length, start + b.raw.length);
    const ranges: HexRange[] = [{ start: 0, end: Math.min(5, b.record.length), style: 'record-header' }];
    if (isHandshake) ranges.unshift({ start, end: Math.min(end, start + 4), style: 'highlight-header' });
    ranges.unshift({ start: isHandshake ? Math.min(end, start + 4) : start, end, style: 'highlight' });
    const whole = start === 0 && end === b.record.length;
    const title = whole
      ? `record ${e.recordIndex ?? '?'}: ${b.record.length} bytes`
      : `record ${e.recordIndex ?? '?'} (${b.record.length} bytes), message at ${start}..${end} highlighted`;
    return { title, rows: hexRows(b.record, ranges, per) };
  }
  const ranges: HexRange[] = isHandshake
    ? [
        { start: 0, end: Math.min(4, b.raw.length), style: 'highlight-header' },
        { start: 4, end: b.raw.length, style: 'highlight' },
      ]
    : [{ start: 0, end: b.raw.length, style: 'highlight' }];
  const what = e.visibility === 'decrypted' ? 'decrypted plaintext' : isHandshake ? 'handshake message' : 'record';
  const note = isHandshake ? ', 4-byte header underlined' : '';
  return { title: `${what}: ${b.raw.length} bytes${note}`, rows: hexRows(b.raw, ranges, per) };
}
