/**
 * `tls-inspect file A.pcap B.pcapng DIR/`: several captures (a directory = its capture files,
 * sorted by name), analysed in parallel: with --jobs N > 1 each capture is one shard on a pool of
 * N worker threads (N captures at a time), with --jobs 1 one after the other in this thread.
 * Output in command-line order: JSON `sources[]` (each with its summary) and connections carrying
 * `source`, JSONL per capture a source line, its connections and its summary line, then the overall
 * summary; text each capture's report, then the overall summary. A capture that cannot be read is
 * one line on stderr; the others complete; the exit code is then 2.
 */
import type { ConnectionModel, ReportModel, SourceModel, SummaryModel } from '../analysis/model.js';
import { SummaryCounter } from '../analysis/summary.js';
import { JsonReport, utf8Batches } from '../report/json.js';
import { renderFixesText, renderSummaryText, reportTextPieces } from '../report/text.js';
import { renderBriefSummary } from '../report/brief.js';
import { UsageError } from './errors.js';
import { CaptureError } from '../capture/types.js';
import { sanitizeTerminal } from '../report/sanitize.js';
import type { FileArgs } from './file-command.js';
import { noteNothingReported } from './file-command.js';
import { ConnectionFilter } from './filter.js';
import { FileSink, finishSummary, runShards, WorkerPool } from './jobs.js';
import { Output, reportModel, safeJson, TOOL, type Format, type JsonLayout, type TextLayout } from './output.js';
import { catalogueFor } from '../analysis/diagnosis-catalogue.js';

const MANY_FORMATS = ['text', 'json', 'jsonl'];

interface Done {
  path: string;
  sink?: FileSink;
  error?: string;
}

/** What fail() would print for a capture's error (without the "tls-inspect: "). */
function failureMessage(err: unknown): string {
  if (err instanceof UsageError || err instanceof CaptureError) return err.message;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e.code === 'string') return `${e.code}: ${e.message.split('\n')[0]}`;
  return `internal error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (please report it; TLS_INSPECT_DEBUG=1 shows details)`;
}

function chain<T>(parts: Iterable<T>[]): Iterable<T> {
  return (function* () {
    for (const p of parts) yield* p;
  })();
}

export async function runManyFiles(a: FileArgs, paths: string[], jobs: number, look: { color: boolean; layout: TextLayout; json: JsonLayout }): Promise<number> {
  const format = (a.format ?? 'text') as Format;
  if (!MANY_FORMATS.includes(format)) throw new UsageError(`--format ${format} reports one capture; give one capture, or --format text, json or jsonl for ${paths.length}`);
  if (paths.includes('-')) throw new UsageError('- (stdin) cannot be read with other captures: give it alone');
  const pool = jobs > 1 ? new WorkerPool(Math.min(jobs, paths.length)) : null;
  const done: Done[] = paths.map((path) => ({ path }));
  // json: one certificate table for every capture (ordered by capture, then id)
  const shared = format === 'json' ? new JsonReport(look.json) : undefined;
  try {
    const one = async (d: Done, index: number): Promise<void> => {
      const sink = new FileSink(a, format, true, { json: look.json, jsonReport: shared, idBase: index * 2 ** 32 });
      try {
        await runShards({ path: d.path, args: a, format, color: look.color, layout: look.layout, json: look.json, workers: pool ? 1 : 0, source: d.path }, sink, pool ?? undefined);
        d.sink = sink;
      } catch (e) {
        sink.close();
        d.error = failureMessage(e);
        if (process.env.TLS_INSPECT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
        const named = d.error.includes(d.path) ? d.error : `${d.path}: ${d.error}`;
        process.stderr.write(`tls-inspect: ${sanitizeTerminal(named)} (skipped; the other captures are reported)\n`);
      }
    };
    if (pool) await Promise.all(done.map(one));
    else for (const [i, d] of done.entries()) await one(d, i);
    const ok = done.filter((d) => d.sink !== undefined);
    const overall = overallSummary(a, ok.map((d) => d.sink!));
    const out = new Output(a.output);
    await out.writeAll(utf8Batches(manyPieces(format, done, overall, look, shared)));
    await out.close();
    noteNothingReported(overall, format);
  } finally {
    for (const d of done) d.sink?.close();
    shared?.close();
    await pool?.close();
  }
  if (done.some((d) => d.error !== undefined)) return 2;
  return done.some((d) => d.sink?.failing) ? 1 : 0;
}

/** The summary over every capture: their reported connections counted in command-line order. */
function overallSummary(a: FileArgs, sinks: FileSink[]): SummaryModel {
  const filter = new ConnectionFilter(a);
  const all = new SummaryCounter();
  const reported = new SummaryCounter();
  for (const s of sinks) {
    for (const e of s.log!) {
      all.add(e.view);
      if (!e.kept || !filter.active) continue;
      reported.tcp();
      reported.add(e.view);
    }
  }
  return finishSummary(all, reported, filter, sinks.flatMap((s) => s.dones));
}

function sourceOf(d: Done): SourceModel & { summary?: SummaryModel; error?: string } {
  if (d.sink === undefined) return { path: d.path, error: d.error } as SourceModel & { error: string };
  return { ...d.sink.first.source!, summary: d.sink.summary() };
}

function* manyPieces(format: Format, done: Done[], overall: SummaryModel, look: { color: boolean; layout: TextLayout }, shared?: JsonReport): Generator<string | Uint8Array> {
  if (format === 'json') {
    const base = reportModel(undefined as unknown as SourceModel, [], overall);
    const r = { schemaVersion: base.schemaVersion, tool: base.tool, sources: done.map(sourceOf), catalogue: base.catalogue, connections: [] as ConnectionModel[], summary: overall };
    yield* shared!.pieces(r as unknown as ReportModel, chain(done.map((d) => (d.sink ? d.sink.spool!.pieces() : []))));
    return;
  }
  if (format === 'jsonl') {
    // per capture: its source line, its certificate and connection lines, its summary line; then the overall summary
    for (const d of done) {
      if (!d.sink) {
        yield `${safeJson({ record: 'source', schemaVersion: 2, tool: TOOL, path: d.path, error: d.error })}\n`;
        continue;
      }
      const jl = d.sink.jsonl!;
      const src = d.sink.first.source!;
      yield jl.sourceLine({ kind: src.kind, path: d.path });
      yield* d.sink.spool!.pieces();
      yield jl.summaryLine(src, d.sink.summary(), d.path);
    }
    yield `${safeJson({ record: 'summary', ...overall, catalogue: catalogueFor(Object.keys(overall.diagnoses)) })}\n`;
    return;
  }
  const opt = { ...look.layout, color: look.color };
  let packets = 0;
  let first = true;
  for (const d of done) {
    if (!d.sink) continue;
    const d0 = d.sink.first;
    packets += d0.source!.packets;
    if (!first) yield '\n';
    first = false;
    yield* reportTextPieces(d.sink.spool!.pieces(), d.sink.spool!.count, { source: d0.source!, summary: d.sink.summary() }, { ...opt, captureStart: d0.firstPacket, noFixes: true });
  }
  const n = done.filter((d) => d.sink).length;
  const source = { kind: `${n} captures`, packets, linkTypes: [], warnings: [] } as unknown as SourceModel;
  // the Fixes part once for every capture, before the overall summary
  const fixes = look.layout.brief ? '' : renderFixesText(overall, opt);
  if (fixes) yield `\n${fixes}\n`;
  const text = look.layout.brief ? renderBriefSummary(overall, { source }) : renderSummaryText(overall, { source }, opt).replace('Summary', 'Overall summary');
  yield `\n${text}\n`;
}
