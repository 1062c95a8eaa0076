/**
 * `tls-inspect file` with worker threads (`--jobs N`, ./jobs.ts) and with several captures
 * (`file A.pcap B.pcapng DIR/`): the reports are written with the same pieces as one capture in one
 * process (./file-command.ts), so `--jobs N` is byte-identical to `--jobs 1`.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '../capture/index.js';
import { utf8Batches } from '../report/json.js';
import { renderSummaryText, reportTextPieces } from '../report/text.js';
import { HTML_PARTS } from '../report/html.js';
import { MARKDOWN_PARTS } from '../report/markdown.js';
import { UsageError } from './errors.js';
import { noteNothingReported, partPieces, runFileCommand, type FileArgs } from './file-command.js';
import { ConnectionFilter } from './filter.js';
import { loadKeyMaterial, loadTrustedCas } from './inputs.js';
import { jsonLayout, Output, reportModel, textWidth, useColor, type Format, type JsonLayout, type TextLayout } from './output.js';
import { FileSink, runShards, type WorkerPool } from './jobs.js';
import { workersFit } from './jobs-plan.js';
import { runManyFiles } from './many-files.js';

/** Inputs checked in this thread first, so their errors are the one-process ones. */
async function checkInputs(a: FileArgs): Promise<void> {
  loadKeyMaterial(a.keylog);
  if (a.ca) await loadTrustedCas(a.ca);
  new ConnectionFilter(a);
}

function looks(a: FileArgs): { color: boolean; layout: TextLayout; json: JsonLayout } {
  const probe = { isTty: !a.output && process.stdout.isTTY === true } as Output;
  return { color: useColor(a.color, probe), layout: { brief: a.brief, time: a.timeFormat, width: textWidth(probe), details: a.details }, json: jsonLayout(a, probe) };
}

/** One capture's report from a finished sink (the bytes runFileCommand writes). */
async function writeSingle(out: Output, sink: FileSink, color: boolean, layout: TextLayout): Promise<void> {
  const summary = sink.summary();
  const d0 = sink.first;
  if (sink.format === 'jsonl') {
    const jl = sink.jsonl!;
    await out.writeAll(utf8Batches([jl.sourceLine({ kind: d0.source!.kind, path: d0.source!.path }), ...sink.spool!.pieces(), jl.summaryLine(d0.source!, summary)]));
  } else {
    const report = reportModel(d0.source!, [], summary);
    const lay = { ...layout, captureStart: d0.firstPacket };
    if (sink.format === 'text') await out.writeAll(utf8Batches(reportTextPieces(sink.spool!.pieces(), sink.spool!.count, report, { ...lay, color })));
    else if (sink.format === 'json') await out.writeAll(utf8Batches(sink.jsonReport!.pieces(report, sink.spool!.pieces())));
    else await out.writeAll(utf8Batches(partPieces(sink.format === 'html' ? HTML_PARTS : MARKDOWN_PARTS, report, sink.rows!, sink.sections!)));
  }
  noteNothingReported(summary, sink.format);
}

/** Runs that went back to one process, and why (tests check that workers did the work). */
export const jobsFallbacks: string[][] = [];

/** One capture in `jobs` worker threads; the one-process run when the shards may differ from it. */
export async function runFileWithJobs(a: FileArgs, jobs: number, pool?: WorkerPool): Promise<number> {
  await checkInputs(a);
  const format = (a.format ?? 'text') as Format;
  const { color, layout, json } = looks(a);
  const sink = new FileSink(a, format, false, { json });
  try {
    await runShards({ path: a.capture, args: a, format, color, layout, json, workers: jobs }, sink, pool);
    const why = sink.inexact();
    if (why.length > 0) {
      jobsFallbacks.push(why);
      if (process.env.TLS_INSPECT_DEBUG) process.stderr.write(`tls-inspect: --jobs ${jobs}: run again in one process (${why.join(', ')})\n`);
      sink.close();
      return await runFileCommand(a);
    }
    const out = new Output(a.output);
    await writeSingle(out, sink, color, layout);
    await out.close();
    return sink.failing ? 1 : 0;
  } finally {
    sink.close();
  }
}

/** Capture files of a directory: pcap / pcapng (also gzipped) by magic, sorted by name. */
export function captureFilesIn(dir: string): string[] {
  const names = readdirSync(dir).sort();
  const out: string[] = [];
  for (const n of names) {
    const p = join(dir, n);
    try {
      if (!statSync(p).isFile()) continue;
      if (/\.(pcap|pcapng|cap)(\.gz)?$/i.test(n) || looksLikeCapture(p)) out.push(p);
    } catch {
      // unreadable entries are not captures of this directory
    }
  }
  return out;
}

/** pcap / pcapng magic, or gzip's (a gzipped capture is checked when it is read). */
function looksLikeCapture(p: string): boolean {
  const head = new Uint8Array(12);
  const fd = openSync(p, 'r');
  try {
    const n = readSync(fd, head, 0, 12, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return detectFormat(head.subarray(0, n)) !== null;
  } finally {
    closeSync(fd);
  }
}

/** The command line's captures with directories expanded (a path as given stays as given). */
export function expandCaptures(given: string[]): string[] {
  const out: string[] = [];
  for (const g of given) {
    let dir = false;
    try {
      dir = g !== '-' && statSync(g).isDirectory();
    } catch {
      dir = false; // a missing file is reported by its own run
    }
    if (!dir) out.push(g);
    else {
      const files = captureFilesIn(g);
      if (files.length === 0) throw new UsageError(`${g} is a directory without pcap or pcapng files: give capture files or a directory holding some`);
      out.push(...files);
    }
  }
  return out;
}

/** `file A B DIR/`: one capture after expansion keeps the one-capture report, more are merged. */
export async function runCaptureList(a: FileArgs, given: string[], jobs: number, shardJobs = jobs): Promise<number> {
  const paths = expandCaptures(given);
  if (paths.length === 1) {
    const one = { ...a, capture: paths[0]! };
    if (shardJobs > 1 && workersFit(one.capture, one.format ?? 'text')) return runFileWithJobs(one, shardJobs);
    return runFileCommand(one);
  }
  await checkInputs(a);
  return runManyFiles(a, paths, jobs, looks(a));
}
