/**
 * Shared run loop of the file sources (pcap, pcapng): pulls chunks from a ByteInput, hands them to
 * the format parser, yields to the event loop between chunks and honours stop().
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ByteInput } from './input.js';
import type { CaptureFileSource, CaptureKind, CaptureSummary, Packet, PacketSink } from './types.js';

export abstract class ChunkedFileSource implements CaptureFileSource {
  abstract readonly kind: CaptureKind;
  /** The sink of the current run (set by run before any chunk is fed). */
  protected sink: PacketSink = NULL_SINK;
  /** Set by stop(): parsers check it per record. */
  protected stopRequested = false;
  /** Set by a parser at damage it cannot skip: no more chunks are read. */
  protected damaged = false;
  /** Bytes read so far from the (decompressed) input. */
  protected bytesRead = 0;
  protected frames = 0;
  protected truncatedPackets = 0;
  protected readonly linkTypes: number[] = [];
  /** The Packet object handed to the sink, reused for every frame. */
  protected readonly packet: Packet = {
    frame: 0, tsSec: 0, tsNsec: 0, linkType: 0, data: new Uint8Array(0), capturedLength: 0, originalLength: 0, interfaceId: 0,
  };
  private started = false;

  constructor(protected readonly input: ByteInput, private readonly path: string | undefined) {}

  /** Parses one chunk (the chunk is never modified afterwards; views of it may be handed out). */
  protected abstract feed(chunk: Buffer): void;
  /** Called at the end of the input (not after stop or damage): reports an incomplete record. */
  protected abstract finish(): void;

  async run(sink: PacketSink): Promise<CaptureSummary> {
    if (this.started) throw new Error('PacketSource.run() may only be called once');
    this.started = true;
    this.sink = sink;
    try {
      while (!this.stopRequested && !this.damaged) {
        let chunk: Buffer | null;
        try {
          chunk = await this.input.next();
        } catch (err) {
          const what = this.input.gzip ? 'gzip decompression failed' : 'read failed';
          const msg = err instanceof Error ? err.message : String(err);
          sink.warning({ code: 'capture-read-failed', message: `${what} after ${this.bytesRead} bytes: ${msg}`, offset: this.bytesRead });
          break;
        }
        if (chunk === null) break;
        this.bytesRead += chunk.length;
        this.feed(chunk);
        await yieldToLoop();
      }
      if (!this.stopRequested && !this.damaged) this.finish();
    } finally {
      this.input.close();
    }
    return {
      kind: this.kind,
      ...(this.path !== undefined ? { path: this.path } : {}),
      packets: this.frames,
      linkTypes: [...this.linkTypes],
      bytes: this.bytesRead,
      gzip: this.input.gzip,
      truncatedPackets: this.truncatedPackets,
    };
  }

  close(): void {
    this.input.close();
  }

  stop(): void {
    this.stopRequested = true;
  }

  protected noteLinkType(linkType: number): void {
    if (!this.linkTypes.includes(linkType)) this.linkTypes.push(linkType);
  }
}

const NULL_SINK: PacketSink = { packet() {}, secrets() {}, warning() {} };
