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
    schemaVersion: 1,
    tool: { name: 'tls-inspect', version: VERSION },
    source,
    connections: connections.sort((a, b) => a.id - b.id),
    summary,
    catalogue: catalogueFor(Object.keys(summary.diagnoses)),
  };
}

/** JSON.stringify escapes C0 controls only; DEL, C1 controls (8-bit CSI) and bidi overrides from
 * wire strings are written as \u escapes too, so JSON on a terminal is as safe as the text report
 * (the parsed data is unchanged). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text options besides colour: --brief, -t, the capture's first packet. */
export type TextLayout = Omit<TextOptions, 'color'>;

export function renderReport(format: Format, r: ReportModel, color: boolean, layout: TextLayout = {}): string {
  switch (format) {
    case 'json':
      return `${safeJson(r, 2)}\n`;
    case 'jsonl':
      return r.connections.map((c) => safeJson(c)).join('\n') + (r.connections.length > 0 ? '\n' : '');
    case 'markdown':
      return renderReportMarkdown(r);
    case 'html':
      return renderReportHtml(r);
    case 'text':
      return renderReportText(r, { ...layout, color });
  }
}

/** One finished connection in a streaming format (jsonl / text). */
export function renderStreamed(format: 'jsonl' | 'text', c: ConnectionModel, color: boolean, layout: TextLayout = {}): string {
  if (format === 'jsonl') return `${safeJson(c)}\n`;
  return layout.brief ? `${renderBriefLine(c, { ...layout, color })}\n` : `${renderConnectionText(c, { ...layout, color })}\n\n`;
}

export function renderStreamSummary(format: 'jsonl' | 'text', r: Pick<ReportModel, 'source' | 'summary'>, color: boolean, layout: TextLayout = {}): string {
  if (format !== 'text') return '';
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
