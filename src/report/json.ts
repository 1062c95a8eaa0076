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

/** JSON.stringify(value, null, indent), or a variant that only escapes more characters (the CLI's
 * safeJson): the pieces are built with it, so they add up to `stringify(report, 2)`. */
export type Stringify = (value: unknown, indent?: number) => string;

const plainStringify: Stringify = (value, indent) => JSON.stringify(value, null, indent);

const GAP = '  ';
function shift(json: string, indent: string): string {
  return json.includes('\n') ? json.replace(/\n/g, `\n${indent}`) : json;
}

/** JSON.stringify([[x]], null, 2) is "[\n  [\n" + x at depth 2 + "\n  ]\n]". */
const NEST_OPEN = `[\n${GAP}[\n`.length;
const NEST_CLOSE = `\n${GAP}]\n]`.length;

/**
 * One connection as an element of the report's "connections" array (indented, no separator).
 * (Call it as `(c) => connectionJsonPiece(c)` in `map`: a second argument is the stringify.)
 * Stringified nested two arrays deep, so V8 indents it (a third faster than shifting every line
 * of the flat text with a regular expression).
 */
export function connectionJsonPiece(c: ConnectionModel, stringify: Stringify = plainStringify): string {
  const nested = stringify([[c]], 2);
  return nested.slice(NEST_OPEN, nested.length - NEST_CLOSE);
}

/**
 * The pretty JSON report in pieces (they add up to `stringify(r, 2) + '\n'`). The connections are
 * taken from `connections` when given (pieces from connectionJsonPiece with the same stringify, in
 * report order, as strings or already encoded as UTF-8 buffers; `r.connections` is then ignored),
 * else serialised from `r.connections` one by one.
 */
export function* reportJsonPieces<T = string>(
  r: ReportModel,
  connections?: Iterable<T>,
  stringify: Stringify = plainStringify,
): Generator<string | T> {
  const members = Object.entries(r).filter(([k, v]) => (k === 'connections' && connections) || jsonVisible(v));
  let head = '{';
  let first = true;
  for (const [key, value] of members) {
    head += `${first ? '' : ','}\n${GAP}${stringify(key)}: `;
    first = false;
    if (key !== 'connections') {
      head += shift(stringify(value, 2), GAP);
      continue;
    }
    const items: Iterable<string | T> = connections ?? (value as ConnectionModel[]).map((c) => connectionJsonPiece(c, stringify));
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

/** Joins pieces into UTF-8 buffers of at least `size` bytes (the last may be smaller): a few large
 * writes instead of one per connection. */
export function* utf8Batches(pieces: Iterable<string | Uint8Array>, size = 1024 * 1024): Generator<Buffer> {
  let parts: Uint8Array[] = [];
  let bytes = 0;
  for (const p of pieces) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    parts.push(b);
    bytes += b.length;
    if (bytes >= size) {
      yield Buffer.concat(parts, bytes);
      parts = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield Buffer.concat(parts, bytes);
}
