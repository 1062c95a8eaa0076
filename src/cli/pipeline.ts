/**
 * Wires the stages together, one way: PacketSource (capture) -> decodePacket (net) ->
 * TcpReassembler (tcp) -> TLS state machine (tls) -> ConnectionAnalyzer (analysis), which hands
 * finished connections to whoever renders them (report, tui).
 */
import type { CaptureSummary, DecryptionSecrets, PacketSource } from '../capture/types.js';
import { decodeFrame, newTcpSegment, NetStats } from '../net/index.js';
import { TcpReassembler } from '../tcp/index.js';
import type { ReassemblyLimits } from '../tcp/types.js';
import { TlsStage } from '../tls/tls-stage.js';
import type { TlsStageOptions } from '../tls/stage-options.js';
import { ConnectionAnalyzer, type AnalyzerOptions } from '../analysis/analyzer.js';
import type { ConnectionModel } from '../analysis/model.js';
import type { KeyMaterial } from '../tls/keys.js';
import { DerInterner } from '../tls/der-interner.js';
import { QuicStage } from '../quic/index.js';
import { warning, type Warning } from '../warning-codes.js';
import type { Shard } from './shard.js';

export interface PipelineOptions {
  limits?: Partial<ReassemblyLimits>;
  tls?: Partial<TlsStageOptions>;
  analysis?: Partial<AnalyzerOptions>;
  /** Key material (key log files, DSB secrets); DSBs found in the capture are added to it. */
  keys?: KeyMaterial;
  /** Called for each finished connection (TLS ones, or all with analysis.includeNonTls). */
  onConnection?: (c: ConnectionModel) => void;
  /** Called with its id when an open connection gains an event (live views). */
  onActivity?: (connectionId: number) => void;
  /** Called every `progressEvery` packets with the frame count. */
  onProgress?: (packets: number, bytes: number) => void;
  progressEvery?: number;
  /** --jobs: this worker's share of the connections (see shard.ts); all of them without. */
  shard?: Shard;
}

export interface PipelineResult {
  capture: CaptureSummary;
  analyzer: ConnectionAnalyzer;
  net: NetStats;
  reassembler: TcpReassembler;
  captureWarnings: Warning[];
}

const MAX_CAPTURE_WARNINGS = 100;

export class Pipeline {
  readonly net = new NetStats();
  readonly analyzer: ConnectionAnalyzer;
  readonly reassembler: TcpReassembler;
  readonly tls: TlsStage;
  /** UDP datagrams: QUIC connections (TLS in CRYPTO frames) to the same analyzer. */
  readonly quic: QuicStage;
  readonly captureWarnings: Warning[] = [];
  captureWarningsDropped = 0;
  private readonly seg = newTcpSegment();
  private packets = 0;
  private bytes = 0;
  /** The first packet's timestamp (the origin of tshark's frame.time_relative). */
  firstPacket: { sec: number; nsec: number } | undefined;
  private lastIdleCheck = 0;

  constructor(private readonly opts: PipelineOptions = {}) {
    this.analyzer = new ConnectionAnalyzer(
      { ...opts.analysis },
      (c) => opts.onConnection?.(c),
      opts.onActivity,
    );
    const tlsOpts: Partial<TlsStageOptions> = { ...opts.tls };
    if (opts.keys) tlsOpts.keys = opts.keys.provider();
    tlsOpts.derInterner ??= new DerInterner();
    const shard = opts.shard;
    const observer = shard ? shard.observer(this.analyzer) : this.analyzer;
    this.tls = new TlsStage(observer, tlsOpts);
    this.quic = new QuicStage(observer, tlsOpts);
    this.reassembler = new TcpReassembler(shard ? shard.factory(this.tls.factory) : this.tls.factory, opts.limits);
    this.tls.useMemoryBudget(this.reassembler.memory);
  }

  /** Runs a source to its end (or until it is stopped), then flushes every open connection. */
  async run(source: PacketSource): Promise<PipelineResult> {
    const every = this.opts.progressEvery ?? 0;
    // pcapng may carry Decryption Secrets Blocks after the packets; a live key log may grow
    if (this.opts.keys && (source.kind === 'pcapng' || source.kind === 'live')) this.opts.keys.lateKeys = true;
    const idle = this.opts.limits?.idleTimeoutSec ?? 0;
    const capture = await source.run({
      packet: (p) => {
        if (this.packets++ === 0) this.firstPacket = { sec: p.tsSec, nsec: p.tsNsec };
        this.bytes += p.data.length;
        // the packet goes down whole: its wire length tells snaplen truncation from damage
        const status = decodeFrame(p, this.seg);
        if (status === 'malformed') this.seg.error = `frame ${p.frame}: ${this.seg.error}`;
        const quic = status === 'not-tcp' && this.quic.datagram(p.frame, p.tsSec, p.tsNsec, this.seg);
        if (!quic) this.net.add(status, this.seg, p.frame);
        if (status === 'tcp') this.reassembler.push(p, this.seg);
        if (idle > 0 && p.tsSec - this.lastIdleCheck >= 1) {
          this.lastIdleCheck = p.tsSec;
          this.reassembler.expireIdle(p.tsSec);
          this.quic.expireIdle(p.tsSec, idle);
        }
        if (every > 0 && this.packets % every === 0) this.opts.onProgress?.(this.packets, this.bytes);
      },
      secrets: (s: DecryptionSecrets) => {
        this.opts.shard?.moment();
        if (this.opts.keys) {
          const n = this.opts.keys.addSecretsBlock(s);
          if (n.warning) this.captureWarning(warning('pcapng-dsb-unusable', n.warning, undefined, s.offset));
          if (n.added > 0) this.tls.secretsAdded();
        }
      },
      warning: (w) => {
        const where = w.offset !== undefined && !/offset \d/.test(w.message) ? ` at byte offset ${w.offset}` : '';
        const frame = w.frame !== undefined ? ` (frame ${w.frame})` : '';
        this.captureWarning(warning(w.code, `${w.message}${where}${frame}`, w.frame, w.offset));
      },
    });
    this.reassembler.flush();
    this.opts.shard?.moment();
    this.tls.flush();
    this.quic.flush();
    for (const w of this.quic.warnings) this.captureWarning(w);
    this.opts.onProgress?.(this.packets, this.bytes);
    return {
      capture,
      analyzer: this.analyzer,
      net: this.net,
      reassembler: this.reassembler,
      captureWarnings: this.captureWarnings,
    };
  }

  /** Live runs: complete connections idle for longer than the limit (called on a timer). */
  expireIdle(nowSec: number): void {
    this.reassembler.expireIdle(nowSec);
    this.quic.expireIdle(nowSec, this.opts.limits?.idleTimeoutSec ?? 0);
    // a finished connection waits at most 10 s for key-log lines that may still be written
    this.tls.expireHeld(10_000);
  }

  /** Live runs: the key log grew; decrypt what was waiting for it. */
  secretsAdded(): void {
    this.tls.secretsAdded();
  }

  private captureWarning(w: Warning): void {
    if (this.captureWarnings.length >= MAX_CAPTURE_WARNINGS) {
      this.captureWarningsDropped++;
      return;
    }
    this.captureWarnings.push(w);
  }
}
