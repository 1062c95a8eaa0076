/**
 * Writers for the formats other tools read: `zeek` (Zeek ASCII ssl.log + x509.log), `zeek-json`
 * (the same records as Zeek JSON logs) and `ecs` (Elastic Common Schema JSON lines). Connections
 * are written as they finish (file and live alike). `zeek` / `zeek-json` with `-o DIR` write
 * DIR/ssl.log and DIR/x509.log; without -o, ssl.log goes to stdout. `ecs` writes to -o FILE or stdout.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionModel } from '../analysis/model.js';
import { ecsDocument } from '../report/ecs.js';
import { SSL_FIELDS, sslRecord, X509_FIELDS, x509Records, X509Seen } from '../report/zeek.js';
import { jsonLine, tsvFooter, tsvHeader, tsvLine } from '../report/zeek-writer.js';
import { UsageError } from './errors.js';
import { Output, safeJson, type LogFormat } from './output.js';


/** -o for zeek formats is a directory: created when missing, refused when it is a file. */
function logDirectory(dir: string): string {
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`-o ${dir}: --format zeek writes ssl.log and x509.log into a directory, and this is a file; give a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create directory ${dir}: ${(err as Error).message}`);
    }
  }
  return dir;
}

export class LogOutput {
  private readonly main: Output;
  private readonly x509: Output | null = null;
  private readonly seen = new X509Seen();

  constructor(
    private readonly format: LogFormat,
    output: string | undefined,
    private readonly source?: { path?: string; kind: string },
  ) {
    if (format === 'ecs' || output === undefined) {
      this.main = new Output(output);
    } else {
      const dir = logDirectory(output);
      this.main = new Output(join(dir, 'ssl.log'));
      this.x509 = new Output(join(dir, 'x509.log'));
    }
    if (format === 'zeek') {
      const now = new Date();
      this.main.write(tsvHeader('ssl', SSL_FIELDS, now));
      this.x509?.write(tsvHeader('x509', X509_FIELDS, now));
    }
  }

  write(c: ConnectionModel): void {
    if (this.format === 'ecs') {
      this.main.write(`${safeJson(ecsDocument(c, this.source))}\n`);
      return;
    }
    if (!c.isTls) return; // ssl.log holds TLS connections only
    const zeek = this.format === 'zeek';
    const ssl = sslRecord(c);
    this.main.write(zeek ? tsvLine(ssl) : jsonLine(SSL_FIELDS, ssl, safeJson));
    if (this.x509) {
      for (const r of x509Records(c, this.seen)) this.x509.write(zeek ? tsvLine(r) : jsonLine(X509_FIELDS, r, safeJson));
    }
  }

  async close(): Promise<void> {
    if (this.format === 'zeek') {
      const now = new Date();
      this.main.write(tsvFooter(now));
      this.x509?.write(tsvFooter(now));
    }
    await this.main.close();
    await this.x509?.close();
  }
}
