/**
 * `--format json` without one giant string: the report is produced in pieces (the part before the
 * connections, one piece per connection, the rest) whose concatenation is byte for byte
 * `JSON.stringify(report, null, 2) + '\n'`.
 *
 * Why: the pretty report of a big capture is hundreds of MB; as one string it costs its size twice
 * (UTF-16 when one character is outside Latin-1, e.g. "§" in a diagnosis) plus a same-size Buffer
 * when written, and beyond V8's string limit (2^29 - 24 characters, ~537 MB of ASCII) it throws
 * "Invalid string length". A connection can also be serialised as soon as it is finished
 * (`connectionJsonPiece`) so that its model need not be kept until the end.
 *
 * Indentation: JSON.stringify of a nested value on its own, with every line after the first
 * shifted by the nesting depth, is exactly how the value appears inside its parent (JSON strings
 * never contain a raw newline), so each member is stringified alone and shifted; connections are
 * stringified inside two arrays, which gives them their depth directly.
 */
import type { ConnectionModel, ReportModel } from '../analysis/model.js';

const GAP = '  ';
function shift(json: string, indent: string): string {
  return json.includes('\n') ? json.replace(/\n/g, `\n${indent}`) : json;
}

/** JSON.stringify([[x]], null, 2) is "[\n  [\n" + x at depth 2 + "\n  ]\n]". */
const NEST_OPEN = `[\n${GAP}[\n`.length;
const NEST_CLOSE = `\n${GAP}]\n]`.length;

/**
 * One connection as an element of the report's "connections" array (indented, no separator).
 * Stringified nested two arrays deep, so V8 indents it (a third faster than shifting every line
 * of the flat text with a regular expression).
 */
export function connectionJsonPiece(c: ConnectionModel): string {
  const nested = JSON.stringify([[c]], null, 2);
  return nested.slice(NEST_OPEN, nested.length - NEST_CLOSE);
}

/**
 * The pretty JSON report in pieces. The connections are taken from `connections` when given
 * (pieces from connectionJsonPiece, in report order, as strings or already encoded as UTF-8
 * buffers; `r.connections` is then ignored), else serialised from `r.connections` one by one.
 */
export function* reportJsonPieces<T = string>(r: ReportModel, connections?: Iterable<T>): Generator<string | T> {
  const members = Object.entries(r).filter(([k, v]) => (k === 'connections' && connections) || jsonVisible(v));
  let head = '{';
  let first = true;
  for (const [key, value] of members) {
    head += `${first ? '' : ','}\n${GAP}${JSON.stringify(key)}: `;
    first = false;
    if (key !== 'connections') {
      head += shift(JSON.stringify(value, null, 2), GAP);
      continue;
    }
    const items: Iterable<string | T> = connections ?? (value as ConnectionModel[]).map(connectionJsonPiece);
    let n = 0;
    for (const piece of items) {
      if (n === 0) {
        yield `${head}[\n`;
        head = '';
      } else yield ',\n';
      yield piece;
      n++;
    }
    head += n === 0 ? '[]' : `\n${GAP}]`;
  }
  yield `${head}${first ? '' : '\n'}}\n`;
}

/** Whether JSON.stringify keeps an object member with this value. */
function jsonVisible(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
