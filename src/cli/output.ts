/**
 * Report assembly shared by `file` and `live`: filters, the ReportModel, and format dispatch.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ConnectionModel, ReportModel, SourceModel, SummaryModel } from '../analysis/model.js';
import { renderConnectionText, renderFixesText, renderReportText, renderSummaryText, type TextOptions } from '../report/text.js';
import { catalogueFor } from '../analysis/diagnosis-catalogue.js';
import { renderBriefLine, renderBriefSummary } from '../report/brief.js';
import { renderReportMarkdown } from '../report/markdown.js';
import { renderReportHtml } from '../report/html.js';
import { renderJsonReport } from '../report/json.js';
import { JsonlReport } from '../report/jsonl.js';
import { UsageError } from './errors.js';
import { VERSION } from './version.js';

export const FORMATS = ['text', 'json', 'jsonl', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];
/** Formats other tools read, written by ./log-output.ts (loaded only when used). */
export const LOG_FORMATS = ['zeek', 'zeek-json', 'ecs'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(f: string | undefined): f is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(f ?? '');
}
export { ONLY_FILTERS, connectionFilter, type FilterArgs, type OnlyFilter } from './filter.js';

export function reportModel(source: SourceModel, connections: ConnectionModel[], summary: SummaryModel): ReportModel {
  return {
    schemaVersion: 2,
    tool: TOOL,
    source,
    connections: connections.sort((a, b) => a.id - b.id),
    summary,
    catalogue: catalogueFor(Object.keys(summary.diagnoses)),
  };
}

export const TOOL: ReportModel['tool'] = { name: 'tls-inspect', version: VERSION };

// terminal-safe JSON (DEL, C1 controls, bidi overrides as \u escapes), shared with the log formats
export { safeJson } from '../report/json-escape.js';

/** Text options besides colour: --brief, -t, the capture's first packet. */
export type TextLayout = Omit<TextOptions, 'color'>;

/** --format json / jsonl: --pretty (json only) and --details. */
export interface JsonLayout {
  pretty: boolean;
  details: boolean;
}

/** JSON is indented with --pretty, or on a terminal unless --no-pretty. */
export function jsonLayout(a: { pretty?: boolean; details?: boolean }, out: Output): JsonLayout {
  return { pretty: a.pretty ?? out.isTty, details: a.details === true };
}

export function renderReport(format: Format, r: ReportModel, color: boolean, layout: TextLayout = {}, json: JsonLayout = { pretty: false, details: false }): string {
  switch (format) {
    case 'json':
      return renderJsonReport(r, json);
    case 'jsonl': {
      const w = new JsonlReport(json, r.tool);
      return w.sourceLine(r.source) + r.connections.map((c) => w.connectionLines(c)).join('') + w.summaryLine(r.source, r.summary);
    }
    case 'markdown':
      return renderReportMarkdown(r);
    case 'html':
      return renderReportHtml(r);
    case 'text':
      return renderReportText(r, { ...layout, color });
  }
}

/** One finished connection in the streamed text report. */
export function renderStreamed(format: 'text', c: ConnectionModel, color: boolean, layout: TextLayout = {}): string {
  return layout.brief ? `${renderBriefLine(c, { ...layout, color })}\n` : `${renderConnectionText(c, { ...layout, color })}\n\n`;
}

export function renderStreamSummary(format: 'text', r: Pick<ReportModel, 'source' | 'summary'>, color: boolean, layout: TextLayout = {}): string {
  if (layout.brief) return `${renderBriefSummary(r.summary, r)}\n`;
  const fixes = renderFixesText(r.summary, { ...layout, color });
  return `${fixes ? `${fixes}\n\n` : ''}${renderSummaryText(r.summary, r, { ...layout, color })}\n`;
}

/** Where the report goes: stdout or -o FILE. Ignores EPIPE (`| head`). */
export class Output {
  private readonly file: WriteStream | null;
  /** The first error of the -o file (a full disk, a vanished mount): reported by close(). */
  private failure: Error | null = null;
  constructor(path?: string) {
    this.file = path ? createWriteStream(path) : null;
    if (this.file) {
      this.file.on('error', (e) => {
        this.failure ??= e;
      });
    } else {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
      });
    }
  }

  get isTty(): boolean {
    return !this.file && process.stdout.isTTY === true;
  }

  write(s: string): void {
    if (this.file) this.file.write(s);
    else process.stdout.write(s);
  }

  /** Writes every chunk, waiting for the destination to drain so memory holds only one batch. */
  async writeAll(chunks: Iterable<Uint8Array>): Promise<void> {
    const dest = this.file ?? process.stdout;
    for (const c of chunks) {
      this.throwIfFailed();
      if (dest.write(c)) continue;
      // a failing file is destroyed and never drains: 'close' ends the wait too. The listener that
      // loses the race is removed (abort), or every batch would leave one 'error' listener behind.
      const loser = new AbortController();
      await Promise.race([once(dest, 'drain', { signal: loser.signal }), once(dest, 'close', { signal: loser.signal })]).catch(() => undefined);
      loser.abort();
    }
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    const f = this.file;
    if (!f) return;
    // 'close' comes after everything, including an 'error' of a stream already destroyed by it
    const closed = f.closed ? undefined : once(f, 'close').catch(() => undefined);
    if (!f.destroyed) {
      f.end((err?: Error | null) => {
        if (err) this.failure ??= err;
      });
    }
    await closed;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure && this.file) throw new UsageError(`cannot write ${String(this.file.path)}: ${this.failure.message}`);
  }
}

/** Text width: $COLUMNS when set, else the terminal's width, else (piped, -o) 100 columns. */
export function textWidth(out: Output): number {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env >= 40) return env;
  return out.isTty ? process.stdout.columns || 100 : 100;
}

export function useColor(flag: boolean | undefined, out: Output): boolean {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return out.isTty;
}
