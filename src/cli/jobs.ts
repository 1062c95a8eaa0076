/**
 * `--jobs N` (main thread): a capture analysed by N worker threads (./jobs-worker.ts), each one
 * shard of the connections (./shard.ts); their rendered pieces are merged in the order one process
 * reports them, the summary is counted here in that order, and the report is written with the
 * same functions as `--jobs 1` (./file-command.ts), so the bytes are the same.
 *
 * A run whose shards may have differed from one process (a worker's share of a memory budget was
 * too small, the held-connection cap, the listening-port orientation guess: see shard.ts) is run
 * again in one process. Not in workers: stdin, captures under JOBS_MIN_BYTES, the TUI, zeek /
 * zeek-json / ecs.
 */
import { Worker } from 'node:worker_threads';
import type { ConnectionModel, SummaryFilter, SummaryModel } from '../analysis/model.js';
import { SummaryCounter } from '../analysis/summary.js';
import { CaptureError } from '../capture/types.js';
import { MAX_HELD } from '../tls/tls-stage.js';
import { ConnectionJsonSpool } from '../report/json-spool.js';
import { UsageError } from './errors.js';
import type { FileArgs } from './file-command.js';
import { ConnectionFilter } from './filter.js';
import { TOOL, type Format, type JsonLayout, type TextLayout } from './output.js';
import { JsonReport } from '../report/json.js';
import { JsonlReport } from '../report/jsonl.js';
import { compareKeys } from './shard.js';
import { runShard, type JobDone, type JobInput, type JobMessage, type JobRecord } from './shard-run.js';

/** The TLS stage's shared budgets (their defaults in src/tls): each shard gets 1/N. */
const DEFAULT_TRANSCRIPT_BUDGET = 32 * 1024 * 1024;
const DEFAULT_DEFER_BUDGET = 64 * 1024 * 1024;

/** The connections of one capture in one-process order, counted and rendered as `--jobs 1` does. */
export class FileSink {
  readonly all = new SummaryCounter();
  readonly reported = new SummaryCounter();
  readonly filter: ConnectionFilter;
  /** json / text: pieces by id; html / markdown: rows and sections; jsonl: in report order. */
  readonly spool: ConnectionJsonSpool | null;
  readonly rows: ConnectionJsonSpool | null;
  readonly sections: ConnectionJsonSpool | null;
  private arrivals = 0;
  /** Several captures: every reported connection's summary view, for the overall summary. */
  readonly log: Array<{ view: ConnectionModel; kept: boolean }> | null;
  failing = false;
  dones: JobDone[] = [];
  /** json: the report's certificate table (several captures: one for all). */
  readonly jsonReport: JsonReport | null;
  private readonly ownJsonReport: boolean;
  /** jsonl: writes the certificate lines before the first connection line that needs them. */
  readonly jsonl: JsonlReport | null;
  /** Certificate texts the shards sent (each shard sends a certificate's text once). */
  private readonly certText = new Map<string, string>();
  /** Several captures: added to connection ids to order the shared certificate table by capture. */
  private readonly idBase: number;

  constructor(a: FileArgs, readonly format: Format, keepLog = false, opt: { json: JsonLayout; jsonReport?: JsonReport; idBase?: number } = { json: { pretty: false, details: false } }) {
    this.filter = new ConnectionFilter(a);
    this.log = keepLog ? [] : null;
    this.ownJsonReport = format === 'json' && opt.jsonReport === undefined;
    this.jsonReport = format === 'json' ? (opt.jsonReport ?? new JsonReport(opt.json)) : null;
    this.jsonl = format === 'jsonl' ? new JsonlReport(opt.json, TOOL) : null;
    this.idBase = opt.idBase ?? 0;
    const two = format === 'html' || format === 'markdown';
    this.spool = two ? null : new ConnectionJsonSpool();
    this.rows = two ? new ConnectionJsonSpool() : null;
    this.sections = two ? new ConnectionJsonSpool() : null;
  }

  add(r: JobRecord, piece: (i: number) => Buffer): void {
    this.all.add(r.view);
    this.log?.push({ view: r.view, kept: r.kept });
    if (!r.kept) return;
    if (this.filter.active) {
      this.reported.tcp();
      this.reported.add(r.view);
    }
    if (r.fail) this.failing = true;
    const id = this.format === 'jsonl' ? this.arrivals++ : r.id;
    if (r.certTexts) for (const [sha, text] of r.certTexts) if (!this.certText.has(sha)) this.certText.set(sha, text);
    const text = (sha: string): string => this.certText.get(sha)!;
    if (this.jsonReport) for (const sha of r.certs ?? []) this.jsonReport.certificates.addText(sha, () => text(sha), this.idBase + r.id);
    if (this.jsonl) this.spool!.addPiece(id, Buffer.from(this.jsonl.mergedLines(r.certs ?? [], text, piece(0).toString('utf8'))));
    else if (this.spool) this.spool.addPiece(id, piece(0));
    else {
      this.rows!.addPiece(id, piece(0));
      this.sections!.addPiece(id, piece(1));
    }
  }

  /** Why the shards may differ from one process (empty: exact). */
  inexact(): string[] {
    const why = this.dones.flatMap((d) => d.inexact);
    const held = this.dones.reduce((n, d) => n + d.peakHeld, 0);
    if (this.dones.length > 1 && held > MAX_HELD) why.push('held-connection cap');
    return why;
  }

  get first(): JobDone {
    return this.dones.find((d) => d.source !== undefined)!;
  }

  /** The report's summary (as ReportedSummary.summary(analyzer.summary()) of one process). */
  summary(): SummaryModel {
    this.summed ??= finishSummary(this.all, this.reported, this.filter, this.dones);
    return this.summed;
  }

  private summed: SummaryModel | undefined;

  close(): void {
    if (this.ownJsonReport) this.jsonReport?.close();
    this.spool?.close();
    this.rows?.close();
    this.sections?.close();
  }
}

/** Adds the connection counts of the runs `dones` (each capture's first shard counts them all) and
 * the filter's counts to counters fed with the reported connections. */
export function finishSummary(all: SummaryCounter, reported: SummaryCounter, filter: ConnectionFilter, dones: JobDone[]): SummaryModel {
  for (const d of dones) {
    if (d.source === undefined) continue;
    for (let i = 0; i < d.tcpDone; i++) all.tcp();
    for (let i = 0; i < d.quicDone; i++) all.tcp(true);
  }
  if (!filter.active) return all.summary();
  const f: SummaryFilter = {
    description: filter.description(),
    matched: dones.reduce((n, d) => n + d.matched, 0),
    tested: dones.reduce((n, d) => n + d.tested, 0),
  };
  // a -Y field is unknown when no shard's connections had it
  const first = dones.find((d) => d.source !== undefined);
  const u = (first?.unknownFields ?? []).filter((x) => dones.every((d) => d.unknownFields.includes(x)));
  if (u.length > 0) f.unknownFields = u;
  return { ...reported.summary(), filter: f };
}

function workerError(m: { name: string; message: string; code?: string }): Error {
  if (m.name === 'UsageError') return new UsageError(m.message);
  if (m.name === 'CaptureError') return new CaptureError(m.message);
  const e = new Error(m.message);
  return m.code ? Object.assign(e, { code: m.code }) : e;
}

export interface ShardPlan {
  path: string;
  args: FileArgs;
  format: Format;
  color: boolean;
  layout: TextLayout;
  json: JsonLayout;
  /** Shards (workers) for this capture; 0 = one shard in this thread. */
  workers: number;
  /** Several captures: the path as given (each connection's `source`). */
  source?: string;
}

function jobInputs(p: ShardPlan): JobInput[] {
  const n = Math.max(1, p.workers);
  const memory = Math.floor((p.args.maxBufferMb * 1024 * 1024) / n);
  return Array.from({ length: n }, (_, index) => ({
    path: p.path, index, count: n, args: { ...p.args, capture: p.path }, format: p.format, color: p.color, layout: p.layout, json: p.json,
    memory, transcripts: Math.floor(DEFAULT_TRANSCRIPT_BUDGET / n), deferred: Math.floor(DEFAULT_DEFER_BUDGET / n), source: p.source,
  }));
}

/** A record waiting to be merged, with where its pieces start in its batch's buffer. */
interface Queued {
  r: JobRecord;
  buf: Buffer;
  at: number;
}

/** Worker threads that run shards one at a time each (module loading is paid once per worker). */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private next = 0;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./jobs-worker.js', import.meta.url));
      this.all.push(w);
      this.idle.push(w);
    }
  }

  /** Runs one shard on the next free worker; `onMessage` gets its batches and its end. */
  async run(input: JobInput, onMessage: (m: JobMessage) => void): Promise<void> {
    const w = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    const task = this.next++;
    try {
      await new Promise<void>((resolve, reject) => {
        const message = (x: { task: number; m: JobMessage }): void => {
          if (x.task !== task) return;
          if (x.m.t === 'error') return reject(workerError(x.m));
          onMessage(x.m);
          if (x.m.t === 'done') resolve();
        };
        const exit = (code: number): void => reject(new Error(`a --jobs worker stopped (exit code ${code}) before its shard was done`));
        w.on('message', message);
        w.once('error', reject);
        w.once('exit', exit);
        w.postMessage({ task, input });
        const off = (): void => {
          w.off('message', message);
          w.off('error', reject);
          w.off('exit', exit);
        };
        this.cleanup.set(task, off);
      });
    } finally {
      this.cleanup.get(task)?.();
      this.cleanup.delete(task);
      const waiter = this.waiting.shift();
      if (waiter) waiter(w);
      else this.idle.push(w);
    }
  }

  private readonly cleanup = new Map<number, () => void>();

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

/** Runs the shards of one capture into `sink`, merging their records in key order as they come
 * (on `pool`, or on a pool of p.workers made for it; p.workers 0: in this thread). */
export async function runShards(p: ShardPlan, sink: FileSink, pool?: WorkerPool): Promise<void> {
  const inputs = jobInputs(p);
  const queues: Queued[][] = inputs.map(() => []);
  const heads = inputs.map(() => 0);
  const finished = inputs.map(() => false);
  // the smallest head is safe to hand on once every shard still running has one queued
  const drain = (): void => {
    for (;;) {
      let best = -1;
      for (let i = 0; i < queues.length; i++) {
        if (heads[i]! < queues[i]!.length) {
          const r = queues[i]![heads[i]!]!.r;
          if (best < 0) best = i;
          else {
            const b = queues[best]![heads[best]!]!.r;
            if (compareKeys([r.k0, r.k1], [b.k0, b.k1]) < 0) best = i;
          }
        } else if (!finished[i]) return;
      }
      if (best < 0) return;
      const q = queues[best]![heads[best]!++]!;
      let at = q.at;
      const slices = q.r.lens.map((n) => {
        const b = q.buf.subarray(at, at + n);
        at += n;
        return b;
      });
      sink.add(q.r, (i) => slices[i]!);
      if (heads[best]! > 4096) {
        queues[best]!.splice(0, heads[best]!);
        heads[best] = 0;
      }
    }
  };
  const onMessage = (i: number, m: JobMessage): void => {
    if (m.t === 'batch') {
      const buf = Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength);
      let at = 0;
      for (const r of m.recs) {
        queues[i]!.push({ r, buf, at });
        for (const n of r.lens) at += n;
      }
    }
    else if (m.t === 'done') {
      sink.dones.push(m);
      finished[i] = true;
    }
    drain();
  };
  if (p.workers === 0) {
    await runShard(inputs[0]!, {
      postMessage: (m) => {
        if (m.t === 'error') throw workerError(m);
        onMessage(0, m);
      },
    });
    return;
  }
  const own = pool ? null : new WorkerPool(inputs.length);
  const use = pool ?? own!;
  try {
    await Promise.all(inputs.map((input, i) => use.run(input, (m) => onMessage(i, m))));
  } finally {
    await own?.close();
  }
}
