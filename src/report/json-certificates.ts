/**
 * Certificates by reference (report v2): each distinct certificate is serialised once, under its
 * SHA-256, and connections hold the SHA-256 strings.
 *
 * - `--format json`: a CertificateTable collects the certificates of the reported connections and
 *   writes the report's `certificates` object (keys in the order of the first connection, by id,
 *   that refers to them; ties by SHA-256). The texts are kept in a spool (src/report/json-spool.ts),
 *   so memory holds only a small index entry per distinct certificate beyond 4 MiB of text.
 * - `--format jsonl`: JsonlCertificates writes a certificate's line before the first connection
 *   line that refers to it.
 *
 * The JSON text of a certificate model is cached per model object (the analysis shares one frozen
 * model per distinct certificate), so a certificate seen in 20,000 connections is stringified once.
 */
import type { CertificateModel } from '../analysis/model.js';
import { ConnectionJsonSpool, type SpoolOptions } from './json-spool.js';
import { safeJson } from './json-escape.js';

const compactText = new WeakMap<CertificateModel, string>();
const prettyText = new WeakMap<CertificateModel, string>();

/** Compact JSON of the certificate (terminal-safe escaping), cached per model. */
export function certificateJson(m: CertificateModel): string {
  let t = compactText.get(m);
  if (t === undefined) {
    t = safeJson(m);
    compactText.set(m, t);
  }
  return t;
}

/** Pretty JSON of the certificate as a member value at depth 2 (`certificates` -> sha -> value). */
export function certificatePrettyJson(m: CertificateModel): string {
  let t = prettyText.get(m);
  if (t === undefined) {
    t = safeJson(m, 2).replace(/\n/g, '\n    ');
    prettyText.set(m, t);
  }
  return t;
}

const SPOOL_MEMORY = 4 * 1024 * 1024;

export class CertificateTable {
  /** SHA-256 -> [index in the spool, lowest connection id referring to it]. */
  private readonly index = new Map<string, [number, number]>();
  private readonly spool: ConnectionJsonSpool;
  private readonly pretty: boolean;

  constructor(opt: { pretty: boolean; spool?: SpoolOptions }) {
    this.pretty = opt.pretty;
    this.spool = new ConnectionJsonSpool({ memoryLimit: SPOOL_MEMORY, ...opt.spool });
  }

  get size(): number {
    return this.index.size;
  }

  /** Records that connection `id` refers to `m` (a CertificateSink). */
  readonly add = (m: CertificateModel, id: number): void => {
    this.addText(m.sha256, () => (this.pretty ? certificatePrettyJson(m) : certificateJson(m)), id);
  };

  /** As add(), for a certificate whose JSON text (compact or pretty, as this table) was made
   * elsewhere (a --jobs worker's). */
  addText(sha256: string, text: () => string, id: number): void {
    const known = this.index.get(sha256);
    if (known !== undefined) {
      if (id < known[1]) known[1] = id;
      return;
    }
    const n = this.index.size;
    this.index.set(sha256, [n, id]);
    this.spool.addText(n, text());
  }

  /** The `certificates` object's text (`{}` when empty), in pieces. */
  *objectPieces(): Generator<string | Buffer> {
    if (this.index.size === 0) {
      yield '{}';
      return;
    }
    const keys = [...this.index.entries()].sort((a, b) => a[1][1] - b[1][1] || (a[0] < b[0] ? -1 : 1));
    const order = keys.map((k) => k[1][0]);
    const sep = this.pretty ? ',\n    ' : ',';
    let i = 0;
    for (const text of this.spool.piecesAt(order)) {
      const key = JSON.stringify(keys[i]![0]);
      yield `${i === 0 ? (this.pretty ? '{\n    ' : '{') : sep}${key}${this.pretty ? ': ' : ':'}`;
      yield text;
      i++;
    }
    yield this.pretty ? '\n  }' : '}';
  }

  close(): void {
    this.spool.close();
    this.index.clear();
  }
}

/** More distinct certificates than this and the set of lines written starts again: a certificate
 * line may then repeat (still before the connection that refers to it). */
const MAX_SEEN = 100_000;

export class JsonlCertificates {
  private seen = new Set<string>();

  /** The certificate lines (with their newlines) `refs` needs that were not written yet. */
  linesFor(certs: Iterable<CertificateModel>): string {
    let out = '';
    for (const m of certs) out += this.lineOf(m.sha256, () => certificateJson(m));
    return out;
  }

  /** The line of one certificate (compact JSON text from `text`) if it was not written yet, else ''. */
  lineOf(sha256: string, text: () => string): string {
    if (this.seen.has(sha256)) return '';
    if (this.seen.size >= MAX_SEEN) this.seen = new Set();
    this.seen.add(sha256);
    return `{"record":"certificate",${text().slice(1)}\n`;
  }
}
