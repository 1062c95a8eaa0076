/**
 * `--format json`, report v2 (schema/report.schema.json), written in pieces: the part before the
 * connections, one piece per connection, the rest. Their concatenation is byte for byte
 * `JSON.stringify(reportJson(...), null, indent)` + '\n' with the terminal-safe escaping of
 * ./json-escape.ts (compact: no indent; --pretty: 2).
 *
 * Why pieces: the report of a big capture is hundreds of MB; as one string it costs its size twice
 * (UTF-16 when one character is outside Latin-1) plus a same-size Buffer when written, and beyond
 * V8's string limit (2^29 - 24 characters) it throws "Invalid string length". A connection is
 * serialised as soon as it is finished (`JsonReport.connectionPiece`, kept by the CLI in a spool)
 * so that its model need not be kept until the end.
 *
 * Members, in this order: schemaVersion, tool, source, (other report members), certificates,
 * catalogue, connections, summary. `certificates` and `catalogue` are complete only when every
 * connection has been serialised; the CLI holds the connection pieces until the end anyway (the
 * source's counts come first and are known only then), so both are written before the connections,
 * where a reader streaming the report finds them before the first reference.
 *
 * Pretty indentation: JSON.stringify of a nested value on its own, with every line after the first
 * shifted by the nesting depth, is exactly how the value appears inside its parent (JSON strings
 * never contain a raw newline); connections are stringified inside two arrays, which gives them
 * their depth directly.
 */
import type { ConnectionModel, ReportModel } from '../analysis/model.js';
import { CertificateTable } from './json-certificates.js';
import { connectionJsonObject, type CertificateSink, type ConnectionJsonOptions } from './json-connection.js';
import { escapeJsonText, safeJson } from './json-escape.js';
import type { SpoolOptions } from './json-spool.js';

export interface JsonReportOptions extends ConnectionJsonOptions {
  /** Indented (2 spaces) instead of one line. */
  pretty: boolean;
  /** Where the certificate texts are spooled (tests). */
  spool?: SpoolOptions;
}

const GAP = '  ';
function shift(json: string, indent: string): string {
  return json.includes('\n') ? json.replace(/\n/g, `\n${indent}`) : json;
}

/** JSON.stringify([[x]], null, 2) is "[\n  [\n" + x at depth 2 + "\n  ]\n]". */
const NEST_OPEN = `[\n${GAP}[\n`.length;
const NEST_CLOSE = `\n${GAP}]\n]`.length;

/** `c` as an element of the `connections` array (no separator; pretty: indented to depth 2); `sink`
 * gets the certificates it refers to (a --jobs worker collects them for the main thread's table). */
export function connectionPieceText(c: ConnectionModel, opt: JsonReportOptions, sink: CertificateSink): string {
  const o = connectionJsonObject(c, opt, sink);
  if (!opt.pretty) return escapeJsonText(JSON.stringify(o));
  const nested = safeJson([[o]], 2);
  return nested.slice(NEST_OPEN, nested.length - NEST_CLOSE);
}

/** One JSON report being written: its certificate table fills as connections are serialised; the
 * catalogue is the report model's (the entries of the summary's diagnosis codes). */
export class JsonReport {
  readonly certificates: CertificateTable;
  private readonly opt: JsonReportOptions;

  constructor(opt: JsonReportOptions) {
    this.opt = opt;
    this.certificates = new CertificateTable({ pretty: opt.pretty, spool: opt.spool });
  }

  /** `c` as an element of the `connections` array (no separator; pretty: indented to depth 2). */
  connectionPiece(c: ConnectionModel): string {
    return connectionPieceText(c, this.opt, this.certificates.add);
  }

  /**
   * The report in pieces. `connections`: the pieces of connectionPiece in report order (strings or
   * UTF-8 buffers; `r.connections` is then ignored), else r.connections are serialised here.
   */
  *pieces<T = string>(r: ReportModel, connections?: Iterable<T>): Generator<string | T | Buffer> {
    const pretty = this.opt.pretty;
    const items: Iterable<string | T> = connections ?? r.connections.map((c) => this.connectionPiece(c));
    // the connections given as pieces are consumed after the certificates: serialise now if needed
    const list = connections ? items : [...items];
    const open = pretty ? `{\n${GAP}` : '{';
    const between = pretty ? `,\n${GAP}` : ',';
    const colon = pretty ? ': ' : ':';
    let head = open;
    let first = true;
    const member = (key: string): string => {
      const s = `${first ? '' : between}${JSON.stringify(key)}${colon}`;
      first = false;
      return s;
    };
    const value = (v: unknown): string => (pretty ? shift(safeJson(v, 2), GAP) : safeJson(v));
    for (const [key, v] of Object.entries({ ...r, schemaVersion: 2 })) {
      // certificates (this writer's table) and the catalogue come after the other members
      if (key === 'connections' || key === 'summary' || key === 'certificates' || key === 'catalogue' || !jsonVisible(v)) continue;
      head += member(key) + value(v);
    }
    yield head + member('certificates');
    yield* this.certificates.objectPieces();
    let mid = member('catalogue') + value(r.catalogue) + member('connections');
    let n = 0;
    for (const piece of list) {
      yield n === 0 ? `${mid}[${pretty ? '\n' : ''}` : pretty ? ',\n' : ',';
      mid = '';
      yield piece;
      n++;
    }
    let tail = n === 0 ? `${mid}[]` : pretty ? `\n${GAP}]` : ']';
    if (jsonVisible(r.summary)) tail += member('summary') + value(r.summary);
    yield `${tail}${pretty ? '\n' : ''}}\n`;
  }

  close(): void {
    this.certificates.close();
  }
}

/** The whole report as one string (small reports: live `--format json`, tests). */
export function renderJsonReport(r: ReportModel, opt: JsonReportOptions): string {
  const w = new JsonReport(opt);
  try {
    return [...w.pieces(r)].map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');
  } finally {
    w.close();
  }
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
