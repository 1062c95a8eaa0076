/**
 * One shard of a capture (see shard.ts): runs the whole capture through the pipeline, renders the
 * connections the shard owns in the report's format and posts them, keyed, to ./jobs.ts, which
 * merges the shards' pieces in one-process order. Runs in a worker thread (./jobs-worker.ts) or,
 * as the only shard, in-process (several captures with --jobs 1).
 */
import { openCaptureFile } from '../capture/index.js';
import type { ConnectionModel } from '../analysis/model.js';
import { summaryView } from '../analysis/summary.js';
import { newTranscriptBudget } from '../tls/transcript.js';
import { newDeferBudget } from '../tls/deferred-records.js';
import { connectionPieceText } from '../report/json.js';
import { certificateJson, certificatePrettyJson } from '../report/json-certificates.js';
import { JsonlReport } from '../report/jsonl.js';
import type { CertificateModel } from '../analysis/model.js';
import { HTML_PARTS } from '../report/html.js';
import { MARKDOWN_PARTS } from '../report/markdown.js';
import { failOnCode, sourceModel, type FileArgs } from './file-command.js';
import { ConnectionFilter } from './filter.js';
import { loadKeyMaterial, loadTrustedCas } from './inputs.js';
import { renderStreamed, type Format, type JsonLayout, type TextLayout } from './output.js';
import { Pipeline } from './pipeline.js';
import { ProbedListenerSet, Shard } from './shard.js';
import type { SourceModel } from '../analysis/model.js';

export interface JobInput {
  path: string;
  index: number;
  count: number;
  args: FileArgs;
  format: Format;
  color: boolean;
  layout: TextLayout;
  /** json / jsonl: --pretty and --details. */
  json: JsonLayout;
  /** This worker's share of the global budgets (bytes). */
  memory: number;
  transcripts: number;
  deferred: number;
  /** Several captures: the path as given, put first in each connection's JSON as `source`. */
  source?: string;
}

/** One reported connection: its key, summary view, filter / --fail-on outcome and pieces. */
export interface JobRecord {
  k0: number;
  k1: number;
  id: number;
  kept: boolean;
  fail: boolean;
  view: ConnectionModel;
  /** Byte lengths of its pieces (UTF-8) in the batch's buffer, one after the other. */
  lens: number[];
  /** json / jsonl: the SHA-256 of every certificate it refers to, in reference order. */
  certs?: string[];
  /** The JSON text of those this shard had not sent yet (json: as the report's table writes it;
   * jsonl: compact). */
  certTexts?: Array<[string, string]>;
}

export interface JobDone {
  t: 'done';
  /** Why the workers' result may differ from one process's (empty: exact). */
  inexact: string[];
  peakHeld: number;
  tcpDone: number;
  quicDone: number;
  tested: number;
  matched: number;
  unknownFields: string[];
  /** Worker 0 only: the source-level facts and the first packet's time. */
  source?: SourceModel;
  firstPacket?: { sec: number; nsec: number };
}

export type JobMessage = { t: 'batch'; recs: JobRecord[]; buf: Uint8Array } | JobDone | { t: 'error'; name: string; message: string; code?: string };

const BATCH_RECORDS = 256;
const BATCH_BYTES = 1 << 20;

/** Analyses `d.path` as shard d.index of d.count, posting batches of records and then the summary of the run. */
export async function runShard(d: JobInput, port: { postMessage(m: JobMessage, transfer?: ArrayBuffer[]): void }): Promise<void> {
  const a = d.args;
  const shard = new Shard(d.index, d.count);
  const { keys, warnings: keyWarnings, given } = loadKeyMaterial(a.keylog);
  const trusted = a.ca ? await loadTrustedCas(a.ca) : undefined;
  const source = await openCaptureFile(d.path);
  const filter = new ConnectionFilter(a);
  const transcriptBudget = newTranscriptBudget(d.transcripts);
  const deferBudget = newDeferBudget(d.deferred);
  let batch: JobRecord[] = [];
  let parts: Buffer[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    // a buffer of its own (not Node's shared pool) is moved to the main thread, not copied
    const buf = Buffer.allocUnsafeSlow(batchBytes);
    let at = 0;
    for (const p of parts) at += p.copy(buf, at);
    port.postMessage({ t: 'batch', recs: batch, buf }, [buf.buffer]);
    batch = [];
    parts = [];
    batchBytes = 0;
  };
  // the certificates a connection refers to, and the texts of those this shard has not sent yet
  const sent = new Set<string>();
  let refs: string[] = [];
  let texts: Array<[string, string]> = [];
  const collect = (m: CertificateModel): void => {
    refs.push(m.sha256);
    if (sent.has(m.sha256)) return;
    sent.add(m.sha256);
    texts.push([m.sha256, d.format === 'json' && d.json.pretty ? certificatePrettyJson(m) : certificateJson(m)]);
  };
  const render = (model: ConnectionModel): string[] => {
    const c = d.source === undefined || (d.format !== 'json' && d.format !== 'jsonl') ? model : ({ ...model, source: d.source } as ConnectionModel);
    switch (d.format) {
      case 'json':
        return [connectionPieceText(c, d.json, collect)];
      case 'jsonl':
        return [JsonlReport.connectionLine(c, d.json, collect)];
      case 'text':
        return [renderStreamed('text', c, d.color, { ...d.layout, captureStart: pipeline.firstPacket })];
      case 'html':
        return [HTML_PARTS.row(c), HTML_PARTS.section(c)];
      case 'markdown':
        return [MARKDOWN_PARTS.row(c), MARKDOWN_PARTS.section(c)];
    }
  };
  const pipeline: Pipeline = new Pipeline({
    limits: { maxBufferedTotal: d.memory, maxConnections: a.maxConnections },
    keys,
    tls: {
      maxHandshakeMessage: a.maxMessageKb * 1024,
      transcriptBudget,
      deferBudget,
      eventDetails: ((d.format === 'json' || d.format === 'jsonl') && d.json.details) || a.displayFilter !== undefined,
    },
    analysis: { includeNonTls: a.all, trusted },
    shard,
    onConnection: (c) => {
      const kept = filter.test(c);
      const lens: number[] = [];
      refs = [];
      texts = [];
      if (kept) {
        for (const text of render(c)) {
          const b = Buffer.from(text);
          parts.push(b);
          lens.push(b.length);
          batchBytes += b.length;
        }
      }
      const rec: JobRecord = { k0: shard.key[0], k1: shard.key[1], id: c.id, kept, fail: kept && failOnCode([c], a.failOn) === 1, view: summaryView(c), lens };
      if (refs.length > 0) rec.certs = refs;
      if (texts.length > 0) rec.certTexts = texts;
      batch.push(rec);
      if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) flush();
    },
  });
  const listeners = new ProbedListenerSet();
  pipeline.analyzer.ctx.listeners = listeners;
  const res = await pipeline.run(source);
  flush();
  const inexact: string[] = [];
  // one shard is one process's run whatever happens
  const budget = pipeline.reassembler.memory as unknown as { peak: number };
  if (budget.peak > d.memory) inexact.push('memory budget share');
  if (transcriptBudget.refused) inexact.push('transcript budget share');
  if (deferBudget.exhausted) inexact.push('deferred-record budget share');
  if (listeners.consulted) inexact.push('listening-port orientation');
  if (d.count === 1) inexact.length = 0;
  const done: JobDone = {
    t: 'done',
    inexact,
    peakHeld: pipeline.tls.peakHeld,
    tcpDone: shard.tcpDone,
    quicDone: shard.quicDone,
    tested: filter.tested,
    matched: filter.matched,
    unknownFields: filter.unknownFields(),
  };
  if (d.index === 0) {
    const src = sourceModel(res, a.capture, given || keys.secretCount() > 0 ? keys.secretCount() : undefined);
    src.warnings.unshift(...keyWarnings);
    done.source = src;
    done.firstPacket = pipeline.firstPacket;
  }
  port.postMessage(done);
}
