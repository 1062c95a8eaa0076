/**
 * `tls-inspect live -i IFACE`: the same Pipeline as `file`, fed by libpcap. Finished connections
 * (FIN/RST or idle) are streamed as jsonl or text; SIGINT/SIGTERM, --duration and --count stop the
 * capture, flush what is still open and print the summary.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { openEngineCapture, type CaptureEngineChoice, type LiveCaptureSource } from '../capture/index.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { Packet, PacketSink, PacketSource } from '../capture/types.js';
import type { ConnectionModel, SummaryModel } from '../analysis/model.js';
import { Pipeline } from './pipeline.js';
import { loadKeyMaterial, loadTrustedCas } from './inputs.js';
import { isLogFormat, jsonLayout, Output, textWidth, renderReport, renderStreamed, renderStreamSummary, reportModel, TOOL, useColor, type LogFormat } from './output.js';
import { JsonlReport } from '../report/jsonl.js';
import { failOnCode, ReportedSummary, sourceModel } from './file-command.js';
import { ConnectionFilter, type FilterArgs } from './filter.js';
import type { TimeFormat } from '../report/time-column.js';
import { UsageError } from './errors.js';
import { LogOutput } from './log-output.js';
import { nothingReported } from '../report/text.js';

export interface LiveArgs extends FilterArgs {
  interface: string;
  filter: string;
  format?: 'text' | 'jsonl' | 'json' | LogFormat;
  output?: string;
  details?: boolean;
  pretty?: boolean;
  keylog?: string[];
  ca?: string[];
  write?: string;
  duration?: number;
  count?: number;
  snaplen: number;
  /** --capture-engine (default auto). */
  captureEngine?: CaptureEngineChoice;
  /** -B: kernel capture buffer, MiB (default 32). */
  bufferSize?: number;
  idleTimeout: number;
  all: boolean;
  tui: boolean;
  color?: boolean;
  brief: boolean;
  timeFormat: TimeFormat;
  failOn?: 'error' | 'warning';
}

/**
 * Capture sources stay referenced until the process exits: cap 0.2.1 crashes the process (SIGSEGV
 * in its destructor, Pcap::~Pcap -> AsyncWrap::EmitDestroy) when a closed handle is garbage-collected.
 */
const retainedSources: LiveCaptureSource[] = [];

/** -w: packets stay this long in memory, so key log lines read meanwhile go in front of them. */
const WRITE_HOLD_SEC = 2;
/** Client randoms kept from a live key log (~1.5 KB each with five TLS 1.3 secrets); the oldest
 * are forgotten beyond this. A connection looks its secrets up within seconds of its ClientHello
 * (late ones wait at most 10 s), so 20,000 covers ~7 minutes at 3,000 handshakes a minute. */
export const LIVE_MAX_CLIENT_RANDOMS = 20_000;
const MAX_TAIL_READ = 4 * 1024 * 1024;

/**
 * The lines appended to key log files since the last call, for the -w file's Decryption Secrets
 * Blocks (only complete lines, unless `final`; a file that shrank is read again from the start).
 */
class KeyLogTail {
  private readonly offsets = new Map<string, number>();
  constructor(private readonly paths: string[]) {}

  read(final = false): string {
    let text = '';
    for (const path of this.paths) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue; // not created yet, or gone
      }
      try {
        let off = this.offsets.get(path) ?? 0;
        const size = fstatSync(fd).size;
        if (size < off) off = 0;
        // at most MAX_TAIL_READ per timer tick; at the end, everything
        do {
          const buf = Buffer.allocUnsafe(Math.min(size - off, MAX_TAIL_READ));
          const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, off) : 0;
          if (n <= 0) break;
          const chunk = buf.toString('latin1', 0, n);
          const end = final && off + n === size ? n : chunk.lastIndexOf('\n') + 1;
          if (end === 0) break; // an unfinished line: wait for its newline
          off += end;
          text += chunk.endsWith('\n') || end < n ? chunk.slice(0, end) : `${chunk}\n`;
        } while (final && off < size);
        this.offsets.set(path, off);
      } finally {
        closeSync(fd);
      }
    }
    return text;
  }
}

/**
 * Wraps the live source: tees packets to a pcapng file and stops after --count packets.
 * `beforeStop` runs first whenever the capture is stopped (before the pipeline flushes).
 */
class TeeSource implements PacketSource {
  readonly kind = 'live' as const;
  constructor(
    private readonly inner: LiveCaptureSource,
    private readonly writer: PcapngWriter | null,
    private readonly maxPackets: number,
    private readonly beforeStop: () => void,
  ) {}

  run(sink: PacketSink) {
    let n = 0;
    return this.inner.run({
      packet: (p: Packet) => {
        if (this.maxPackets > 0 && n >= this.maxPackets) return;
        n++;
        this.writer?.write(p);
        sink.packet(p);
        if (this.maxPackets > 0 && n >= this.maxPackets) this.stop();
      },
      secrets: (s) => sink.secrets(s),
      warning: (w) => sink.warning(w),
    });
  }

  stop(): void {
    this.beforeStop();
    this.inner.stop();
  }
}

/** The capture's account of loss, for the summary (text/JSON). */
function captureLoss(live: LiveCaptureSource): Pick<SummaryModel, 'captureEngine' | 'kernelDrops' | 'interfaceDrops' | 'packetsShed'> {
  const s = live.stats();
  return { captureEngine: s.engine, kernelDrops: s.kernelDrops, interfaceDrops: s.interfaceDrops, packetsShed: s.droppedBeforeRun };
}

/** The same on stderr when the capture stops (whatever the --format, so jsonl runs see it too). */
function captureStatsLine(s: SummaryModel, packets: number): string {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));
  return `capture stopped (${s.captureEngine}): ${packets} packets, kernel drops ${n(s.kernelDrops)}, interface drops ${n(s.interfaceDrops)}, ` +
    `shed ${s.packetsShed ?? 0}, connections with gaps ${s.connectionsWithGaps}`;
}

export async function runLiveCommand(a: LiveArgs): Promise<number> {
  if (a.duration !== undefined && !(a.duration > 0)) throw new UsageError('--duration must be a positive number of seconds');
  if (a.count !== undefined && !(a.count > 0)) throw new UsageError('--count must be a positive number of packets');
  const filter = new ConnectionFilter(a);
  const { keys, warnings: keyWarnings, given: keysGiven } = loadKeyMaterial(a.keylog, true);
  // a live key log grows with every connection: keep the newest client randoms only
  keys.log.maxClientRandoms = LIVE_MAX_CLIENT_RANDOMS;
  const trusted = a.ca ? await loadTrustedCas(a.ca) : undefined;
  const live = await openEngineCapture({
    engine: a.captureEngine ?? 'auto', iface: a.interface, filter: a.filter, snaplen: a.snaplen,
    bufferSize: Math.round((a.bufferSize ?? 32) * 1024 * 1024),
  });
  retainedSources.push(live);
  const writer = a.write ? new PcapngWriter(a.write, live.linkType, a.snaplen, { holdSec: WRITE_HOLD_SEC }) : null;
  const keylogPaths = a.keylog && a.keylog.length > 0 ? a.keylog : process.env.SSLKEYLOGFILE ? [process.env.SSLKEYLOGFILE] : [];
  const tail = writer ? new KeyLogTail(keylogPaths) : null;
  // -w: new key log lines go into a DSB ahead of the held packets (Wireshark needs the secrets
  // before the ServerHello they belong to); packets older than the hold are then written
  const writeSecrets = (final: boolean) => {
    const text = tail?.read(final);
    if (text) writer?.writeSecrets(text);
  };
  // the key log is re-read on a timer; read it once more when the capture stops, so that secrets
  // written just before the end decrypt here as they will from the -w file's DSB
  let active: Pipeline | null = null;
  const refreshKeys = () => {
    if (keysGiven && keys.refresh() > 0) active?.secretsAdded();
  };
  const source = new TeeSource(live, writer, a.count ?? 0, () => refreshKeys());
  const logFormat = isLogFormat(a.format) ? a.format : undefined;
  const out = new Output(logFormat ? undefined : a.output);
  if (a.tui && a.format === undefined && !a.output && out.isTty && process.stdin.isTTY === true) {
    // on a terminal: the TUI, updating live (loaded only here: blessed is slow to load)
    const { runTuiForLive } = await import('./tui-launch.js');
    const durationTimer = a.duration ? setTimeout(() => source.stop(), a.duration * 1000) : null;
    try {
      return await runTuiForLive(source, {
        iface: a.interface,
        pipeline: { limits: { idleTimeoutSec: a.idleTimeout }, keys: keysGiven ? keys : undefined, analysis: { includeNonTls: a.all, trusted } },
        filter: (c) => filter.matches(c),
        stats: () => live.stats(),
        tick: (p) => {
          active = p;
          refreshKeys();
          if (writer) {
            writeSecrets(false);
            writer.release(Date.now() / 1000);
          }
          p.expireIdle(Date.now() / 1000);
        },
      });
    } finally {
      if (durationTimer) clearTimeout(durationTimer);
      if (writer) {
        writeSecrets(true);
        writer.close();
      }
    }
  }
  const format = logFormat ? 'jsonl' : ((a.format as 'text' | 'jsonl' | 'json' | undefined) ?? 'text');
  // zeek / zeek-json / ecs: connections go to their own writer as they end
  const log = logFormat ? new LogOutput(logFormat, a.output, { kind: 'live' }) : null;
  const color = useColor(a.color, out);
  for (const w of keyWarnings) process.stderr.write(`tls-inspect: warning: ${w.message}\n`);
  const kept: ConnectionModel[] = [];
  const json = jsonLayout(a, out);
  const jsonl = format === 'jsonl' && !log ? new JsonlReport(json, TOOL) : null;
  const reported = new ReportedSummary(filter);
  const layout = { brief: a.brief, time: a.timeFormat, width: textWidth(out), captureStart: undefined as { sec: number; nsec: number } | undefined };
  let failing = 0;
  const pipeline: Pipeline = new Pipeline({
    limits: { idleTimeoutSec: a.idleTimeout },
    // Without a key log no secret can arrive: passing keys would make the tls stage hold every
    // finished TLS 1.3 connection for late secrets, and nothing would be streamed until the end.
    keys: keysGiven ? keys : undefined,
    analysis: { includeNonTls: a.all, trusted },
    onConnection: (c) => {
      if (!reported.keep(c)) return;
      if (failOnCode([c], a.failOn)) failing = 1;
      layout.captureStart = pipeline.firstPacket;
      if (log) log.write(c);
      else if (format === 'json') kept.push(c);
      else if (jsonl !== null) out.write(jsonl.connectionLines(c));
      else out.write(renderStreamed('text', c, color, layout));
    },
  });
  active = pipeline;
  // the key log may grow while we capture (a client writing SSLKEYLOGFILE)
  const keyTimer = setInterval(() => {
    refreshKeys();
    if (writer) {
      writeSecrets(false);
      writer.release(Date.now() / 1000);
    }
  }, 250);
  // closed (after their linger) and idle connections are reported even when no packet arrives,
  // within 250 ms of their deadline
  const idleTimer = setInterval(() => pipeline.expireIdle(Date.now() / 1000), 250);
  const stop = () => source.stop();
  const durationTimer = a.duration ? setTimeout(stop, a.duration * 1000) : null;
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // until the first connection ends this line is the only sign that the capture runs
  process.stderr.write(`tls-inspect: capturing on ${a.interface} (filter "${a.filter}") with ${live.stats().engine}; Ctrl-C to stop\n`);
  if (jsonl !== null) out.write(jsonl.sourceLine({ kind: 'live' }));
  try {
    const res = await pipeline.run(source);
    keys.refresh();
    const summary = { ...reported.summary(res.analyzer.summary()), ...captureLoss(live) };
    process.stderr.write(`tls-inspect: ${captureStatsLine(summary, res.capture.packets)}\n`);
    const src = sourceModel(res, undefined, keys.secretCount());
    src.warnings.unshift(...keyWarnings);
    if (log) await log.close();
    else if (format === 'json') out.write(renderReport('json', reportModel(src, kept, summary), color, {}, json));
    else if (jsonl !== null) out.write(jsonl.summaryLine(src, summary));
    else out.write(renderStreamSummary('text', { source: src, summary }, color, layout));
    if (summary.filter && summary.filter.matched === 0) process.stderr.write(`tls-inspect: ${nothingReported({ summary })}\n`);
  } finally {
    clearInterval(keyTimer);
    clearInterval(idleTimer);
    if (durationTimer) clearTimeout(durationTimer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (writer) {
      writeSecrets(true);
      writer.close();
    }
  }
  await out.close();
  return failing;
}
