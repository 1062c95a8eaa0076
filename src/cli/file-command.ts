/**
 * `tls-inspect file CAPTURE`: read a capture through the pipeline and write a report (or open the
 * TUI on a terminal).
 */
import { openCaptureFile } from '../capture/index.js';
import type { ConnectionModel, SourceModel } from '../analysis/model.js';
import type { PipelineResult } from './pipeline.js';
import { isLogFormat, jsonLayout, Output, textWidth, renderReport, renderStreamed, reportModel, TOOL, useColor, type Format, type LogFormat, type TextLayout } from './output.js';
import { ConnectionFilter, connectionFilter, type FilterArgs } from './filter.js';
import { SummaryCounter } from '../analysis/summary.js';
import type { ReportModel, SummaryModel } from '../analysis/model.js';
import { nothingReported } from '../report/text.js';
import type { TimeFormat } from '../report/time-column.js';
import { loadKeyMaterial, loadTrustedCas } from './inputs.js';
import { ConnectionJsonSpool } from '../report/json-spool.js';
import { JsonReport, utf8Batches } from '../report/json.js';
import { JsonlReport } from '../report/jsonl.js';
import { reportTextPieces } from '../report/text.js';
import { HTML_PARTS } from '../report/html.js';
import { MARKDOWN_PARTS } from '../report/markdown.js';
import type { ReportParts } from '../report/report-parts.js';
import { warning, type Warning } from '../warning-codes.js';

export interface FileArgs extends FilterArgs {
  capture: string;
  format?: Format | LogFormat;
  output?: string;
  details?: boolean;
  pretty?: boolean;
  keylog?: string[];
  ca?: string[];
  all: boolean;
  tui: boolean;
  color?: boolean;
  brief: boolean;
  timeFormat: TimeFormat;
  failOn?: 'error' | 'warning';
  maxBufferMb: number;
  maxConnections: number;
  maxMessageKb: number;
}

export function sourceModel(res: PipelineResult, path: string | undefined, keylogSecrets: number | undefined): SourceModel {
  const skipped: Record<string, number> = {};
  for (const e of res.net.skipped()) skipped[e.label] = e.count;
  const warnings: Warning[] = [...res.captureWarnings];
  res.net.malformedMessages.forEach((message, i) => warnings.push(warning('net-frame-malformed', message, res.net.malformedFrames[i])));
  const ev = res.reassembler.stats.connectionEvictions;
  if (ev > 0) warnings.push({ code: 'connection-evicted-limit', message: `${ev} TCP connection(s) evicted: more were open at once than --max-connections allows` });
  const mem = res.reassembler.stats.memoryEvictions;
  if (mem > 0) {
    warnings.push({ code: 'connection-evicted-memory', message: `${mem} TCP connection(s) reported early, least recently active first: the global memory budget (--max-buffer-mb) was full` });
  }
  const m: SourceModel = {
    kind: res.capture.kind,
    packets: res.capture.packets,
    bytes: res.capture.bytes,
    linkTypes: res.capture.linkTypes,
    warnings,
    skipped,
  };
  if (path !== undefined) m.path = path;
  if (keylogSecrets !== undefined) m.keylogSecretsLoaded = keylogSecrets;
  return m;
}

export function failOnCode(connections: ConnectionModel[], failOn?: 'error' | 'warning'): number {
  if (!failOn) return 0;
  const hit = connections.some((c) => c.diagnoses.some((d) => d.severity === 'error' || (failOn === 'warning' && d.severity === 'warning')));
  return hit ? 1 : 0;
}

/** The summary of a filtered run counts the connections the filter kept; unfiltered, everything. */
export class ReportedSummary {
  private readonly counter = new SummaryCounter();
  constructor(readonly filter: ConnectionFilter) {}

  /** Tests a finished connection; counts it when kept. */
  keep(c: ConnectionModel): boolean {
    if (!this.filter.test(c)) return false;
    // unfiltered, the analyzer's own summary is the report's: no second count
    if (this.filter.active) {
      this.counter.tcp();
      this.counter.add(c);
    }
    return true;
  }

  summary(all: SummaryModel): SummaryModel {
    if (!this.filter.active) return all;
    return { ...this.counter.summary(), filter: this.filter.summary() };
  }
}

/** stderr: a filter that kept nothing says so even when stdout is JSON. */
export function noteNothingReported(summary: SummaryModel, format: string): void {
  if (format !== 'text' && summary.filter && summary.filter.matched === 0) process.stderr.write(`tls-inspect: ${nothingReported({ summary })}\n`);
}

export async function runFileCommand(a: FileArgs): Promise<number> {
  // yargs turns a lone "-" positional into ""; "-" means stdin
  if (a.capture === '') a.capture = '-';
  const filter = new ConnectionFilter(a);
  const { keys, warnings: keyWarnings, given: keysGiven } = loadKeyMaterial(a.keylog);
  const trusted = a.ca ? await loadTrustedCas(a.ca) : undefined;
  // zeek / zeek-json / ecs have their own writer (-o may be a directory)
  const logFormat = isLogFormat(a.format) ? a.format : undefined;
  const out = new Output(logFormat ? undefined : a.output);
  const wantTui = a.tui && a.format === undefined && !a.output && out.isTty && process.stdin.isTTY === true;
  // the TUI handles keys between read chunks: smaller chunks keep it responsive while loading
  const source = await openCaptureFile(a.capture, wantTui ? { chunkSize: 64 * 1024 } : undefined);
  // released on every path (hence the awaited returns): run() closes it, and an error before the
  // run (a zeek -o that is a file, a TUI that cannot start) must not leave it open
  try {
    const pipelineBase = {
      limits: { maxBufferedTotal: a.maxBufferMb * 1024 * 1024, maxConnections: a.maxConnections },
      keys,
    };
    if (wantTui) {
      // loaded only for the TUI: blessed costs ~0.5 s of start-up that reports do not need
      const { runTuiForFile } = await import('./tui-launch.js');
      return await runTuiForFile(source, a.capture, { ...pipelineBase, all: a.all, trusted, maxMessage: a.maxMessageKb * 1024 }, (c) => filter.matches(c));
    }
    if (logFormat) return await runLogFormat(a, logFormat, source, pipelineBase, trusted);
    const format: Format = (a.format as Format | undefined) ?? 'text';
    const color = useColor(a.color, out);
    const reported = new ReportedSummary(filter);
    const kept: ConnectionModel[] = [];
    // json and text: each connection is serialised when it ends and kept as text (spilled to a
    // temporary file beyond 16 MiB), so memory follows neither packets nor connections
    const layout: TextLayout = { brief: a.brief, time: a.timeFormat, width: textWidth(out), details: a.details };
    // the time column counts from the capture's first packet, which comes before any connection ends
    const textLayout = (): TextLayout => ({ ...layout, captureStart: pipeline.firstPacket });
    const json = jsonLayout(a, out);
    const jsonReport = format === 'json' ? new JsonReport(json) : null;
    const jsonl = format === 'jsonl' ? new JsonlReport(json, TOOL) : null;
    const spool =
      jsonReport !== null
        ? new ConnectionJsonSpool({ render: (c) => jsonReport.connectionPiece(c) })
        : format === 'text'
          ? new ConnectionJsonSpool({ render: (c) => renderStreamed('text', c, color, textLayout()) })
          : null;
    // html and markdown open with an overview table: rows and sections in two spools, joined at the end
    const parts = format === 'html' ? HTML_PARTS : format === 'markdown' ? MARKDOWN_PARTS : null;
    const rows = parts ? new ConnectionJsonSpool({ render: parts.row }) : null;
    const sections = parts ? new ConnectionJsonSpool({ render: parts.section }) : null;
    let failing = 0;
    const { Pipeline } = await import('./pipeline.js');
    const pipeline: InstanceType<typeof Pipeline> = new Pipeline({
      ...pipelineBase,
      // events' decoded `details` are read by the JSON formats with --details and by display filters only
      tls: { maxHandshakeMessage: a.maxMessageKb * 1024, eventDetails: ((format === 'json' || format === 'jsonl') && a.details === true) || a.displayFilter !== undefined },
      analysis: { includeNonTls: a.all, trusted },
      onConnection: (c) => {
        if (!reported.keep(c)) return;
        if (failOnCode([c], a.failOn)) failing = 1;
        if (jsonl !== null) out.write(jsonl.connectionLines(c));
        else if (spool !== null) spool.add(c);
        else if (rows !== null && sections !== null) {
          rows.add(c);
          sections.add(c);
        } else kept.push(c);
      },
    });
    try {
      if (jsonl !== null) out.write(jsonl.sourceLine({ kind: source.kind, path: a.capture }));
      const res = await pipeline.run(source);
      const src = sourceModel(res, a.capture, keysGiven || keys.secretCount() > 0 ? keys.secretCount() : undefined);
      src.warnings.unshift(...keyWarnings);
      if (jsonl !== null) out.write(jsonl.summaryLine(src, reported.summary(res.analyzer.summary())));
      else {
        const report = reportModel(src, kept, reported.summary(res.analyzer.summary()));
        layout.captureStart = pipeline.firstPacket;
        if (spool !== null && format === 'text') await out.writeAll(utf8Batches(reportTextPieces(spool.pieces(), spool.count, report, { ...layout, color })));
        else if (spool !== null && jsonReport !== null) await out.writeAll(utf8Batches(jsonReport.pieces(report, spool.pieces())));
        else if (parts && rows && sections) await out.writeAll(utf8Batches(partPieces(parts, report, rows, sections)));
        else out.write(renderReport(format, report, color, layout, json));
      }
      noteNothingReported(reported.summary(res.analyzer.summary()), format);
    } finally {
      spool?.close();
      jsonReport?.close();
      rows?.close();
      sections?.close();
    }
    await out.close();
    return failing;
  } finally {
    source.close();
  }
}

/** An HTML / Markdown report from its spooled rows and sections (the same bytes as renderReport). */
export function* partPieces(p: ReportParts, r: ReportModel, rows: ConnectionJsonSpool, sections: ConnectionJsonSpool): Generator<string | Uint8Array> {
  yield p.head(r, rows.count);
  yield* rows.pieces();
  yield p.middle();
  yield* sections.pieces();
  yield p.tail(r);
}

/** `--format zeek | zeek-json | ecs`: each connection written as it ends (no report object). */
async function runLogFormat(
  a: FileArgs,
  format: LogFormat,
  source: Awaited<ReturnType<typeof openCaptureFile>>,
  base: { limits: { maxBufferedTotal: number; maxConnections: number }; keys: ReturnType<typeof loadKeyMaterial>['keys'] },
  trusted: Awaited<ReturnType<typeof loadTrustedCas>> | undefined,
): Promise<number> {
  const { LogOutput } = await import('./log-output.js');
  const log = new LogOutput(format, a.output, { path: a.capture === '-' ? undefined : a.capture, kind: source.kind });
  const filter = connectionFilter(a);
  let failing = 0;
  const { Pipeline } = await import('./pipeline.js');
  const pipeline = new Pipeline({
    ...base,
    tls: { maxHandshakeMessage: a.maxMessageKb * 1024 },
    analysis: { includeNonTls: a.all, trusted },
    onConnection: (c) => {
      if (!filter(c)) return;
      if (failOnCode([c], a.failOn)) failing = 1;
      log.write(c);
    },
  });
  await pipeline.run(source);
  await log.close();
  return failing;
}
