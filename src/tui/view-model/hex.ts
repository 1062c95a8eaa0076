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
  lines: StyledLine[];
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

/** Dump `bytes` with styled `ranges` (first matching range wins). At most `maxLines` lines. */
export function hexLines(bytes: Uint8Array, ranges: HexRange[], perLine: number, maxLines = 4096): StyledLine[] {
  const out: StyledLine[] = [];
  const n = Math.min(bytes.length, perLine * maxLines);
  for (let off = 0; off < n; off += perLine) {
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
    out.push(line);
  }
  if (bytes.length > n) out.push([seg(`(${bytes.length - n} more bytes not shown)`, 'dim')]);
  return out;
}

/** What the hex pane shows for an event (and why nothing, when there are no bytes). */
export function eventHex(e: EventModel | undefined, b: EventBytes | undefined, width: number): HexView {
  if (!e) return { title: 'none', lines: [[seg('no event selected', 'dim')]] };
  if (!b) {
    return {
      title: 'none',
      lines: [[seg('the pipeline kept no bytes for this event', 'dim')]],
    };
  }
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
    return { title, lines: hexLines(b.record, ranges, per) };
  }
  const ranges: HexRange[] = isHandshake
    ? [
        { start: 0, end: Math.min(4, b.raw.length), style: 'highlight-header' },
        { start: 4, end: b.raw.length, style: 'highlight' },
      ]
    : [{ start: 0, end: b.raw.length, style: 'highlight' }];
  const what = e.visibility === 'decrypted' ? 'decrypted plaintext' : isHandshake ? 'handshake message' : 'record';
  const note = isHandshake ? ', 4-byte header underlined' : '';
  return { title: `${what}: ${b.raw.length} bytes${note}`, lines: hexLines(b.raw, ranges, per) };
}
