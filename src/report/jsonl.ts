/**
 * `--format jsonl`, report v2: one JSON object per line, each with `"record"`:
 * - `source`: the first line: schemaVersion, tool, and what is known of the source before the
 *   first packet (kind, path);
 * - `certificate`: a certificate (the members of the JSON report's `certificates` values, with its
 *   sha256), written before the first connection line that refers to it;
 * - `connection`: a connection as in the JSON report's `connections` (certificates by SHA-256,
 *   diagnoses without the catalogue's text);
 * - `summary`: the last line: the report's summary, the catalogue of the diagnosis codes used, and
 *   what became known of the source by the end (packets, bytes, linkTypes, keylogSecretsLoaded,
 *   skipped, and the source's warnings as `sourceWarnings`).
 * Lines are compact and terminal-safe (./json-escape.ts); connection lines are written as
 * connections finish, so memory does not grow with the capture.
 */
import type { CertificateModel, ConnectionModel, SourceModel, SummaryModel } from '../analysis/model.js';
import { catalogueFor } from '../analysis/diagnosis-catalogue.js';
import { JsonlCertificates } from './json-certificates.js';
import { connectionJsonObject, type CertificateSink, type ConnectionJsonOptions } from './json-connection.js';
import { escapeJsonText, safeJson } from './json-escape.js';

export class JsonlReport {
  private readonly certs = new JsonlCertificates();
  private readonly pending: CertificateModel[] = [];
  private readonly sink = (m: CertificateModel): void => {
    this.pending.push(m);
  };

  constructor(
    private readonly opt: ConnectionJsonOptions,
    private readonly tool: { name: 'tls-inspect'; version: string },
  ) {}

  /** The first line. */
  sourceLine(head: Pick<SourceModel, 'kind' | 'path'>): string {
    return `${safeJson({ record: 'source', schemaVersion: 2, tool: this.tool, kind: head.kind, path: head.path })}\n`;
  }

  /** The lines of a finished connection: its new certificates, then the connection. */
  connectionLines(c: ConnectionModel): string {
    this.pending.length = 0;
    const line = JsonlReport.connectionLine(c, this.opt, this.sink);
    return this.pending.length > 0 ? this.certs.linesFor(this.pending) + line : line;
  }

  /** A connection's line alone (a --jobs worker's: the main thread adds the certificate lines with
   * mergedLines); `sink` gets the certificates it refers to. */
  static connectionLine(c: ConnectionModel, opt: ConnectionJsonOptions, sink: CertificateSink): string {
    return `{"record":"connection",${escapeJsonText(JSON.stringify(connectionJsonObject(c, opt, sink))).slice(1)}\n`;
  }

  /** The lines of a connection rendered by a worker: the certificate lines its references need (in
   * reference order, compact text from `text`), then `line`. */
  mergedLines(refs: readonly string[], text: (sha256: string) => string, line: string): string {
    let out = '';
    for (const sha of refs) out += this.certs.lineOf(sha, () => text(sha));
    return out + line;
  }

  /** The last line (several captures: each capture's summary line names it as `source`). */
  summaryLine(source: SourceModel, summary: SummaryModel, of?: string): string {
    const { kind: _kind, path: _path, warnings, ...facts } = source;
    return `${safeJson({ record: 'summary', source: of, ...summary, catalogue: catalogueFor(Object.keys(summary.diagnoses)), ...facts, sourceWarnings: warnings })}\n`;
  }
}
