/**
 * Classic pcap files, parsed by the npm package pcap-parser (fed chunk by chunk through a minimal
 * stream stand-in, so this module keeps control of reading, yielding and stopping).
 *
 * pcap-parser only knows the microsecond magic and trusts every length, so around it:
 * - the nanosecond magic is rewritten to the microsecond one in the first chunk and the fraction is
 *   then read as nanoseconds;
 * - every record header is checked in its 'packetHeader' event: an absurd captured length means
 *   the file is damaged, and reading stops before pcap-parser would buffer the rest of the file;
 * - at the end, bytes it still holds mean a truncated last record.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { ChunkedFileSource } from './file-source.js';
import type { ByteInput } from './input.js';

const PCAP_FILE_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
/** Largest packet accepted whatever the file says (Wireshark's usual maximum). */
export const PCAP_MAX_PACKET = 262_144;
/** Upper bound for files declaring a bigger snaplen. */
export const PCAP_HARD_MAX_PACKET = 16 * 1024 * 1024;

interface PcapGlobalHeader {
  magicNumber: number;
  majorVersion: number;
  minorVersion: number;
  gmtOffset: number;
  timestampAccuracy: number;
  snapshotLength: number;
  linkLayerType: number;
}

interface PcapRecordHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}

interface PcapParserPacket {
  header: PcapRecordHeader;
  data: Buffer;
}

interface PcapParserModule {
  parse(input: EventEmitter): EventEmitter;
}

const pcapParser = createRequire(import.meta.url)('pcap-parser') as PcapParserModule;

/** What pcap-parser needs from a stream: events plus pause/resume (our loop does the pacing). */
class ChunkFeed extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

/** The largest captured length accepted for a file declaring `snaplen`. */
export function maxCapturedLength(snaplen: number): number {
  return Math.max(PCAP_MAX_PACKET, Math.min(snaplen, PCAP_HARD_MAX_PACKET));
}

export class PcapSource extends ChunkedFileSource {
  readonly kind = 'pcap' as const;
  private readonly feedStream = new ChunkFeed();
  /** Chunks held until the 4-byte magic is complete (nanosecond files only). */
  private magicPending: Buffer[] | null = [];
  private magicBytes = 0;
  private headerSeen = false;
  private linkType = 0;
  private maxCaptured = PCAP_MAX_PACKET;
  /** Bytes pcap-parser has consumed (file header + complete records). */
  private consumed = 0;
  /** Offset of the record whose header was seen last; -1 when its data has been delivered. */
  private openRecord = -1;
  private openCaptured = 0;
  private fractionWarned = false;
  private readonly fractionPerSecond: number;
  private readonly nsPerUnit: number;

  constructor(input: ByteInput, path: string | undefined, private readonly nanosecond: boolean) {
    super(input, path);
    this.fractionPerSecond = nanosecond ? 1_000_000_000 : 1_000_000;
    this.nsPerUnit = nanosecond ? 1 : 1000;
    const parser = pcapParser.parse(this.feedStream);
    parser.on('globalHeader', (h: PcapGlobalHeader) => this.onGlobalHeader(h));
    parser.on('packetHeader', (h: PcapRecordHeader) => this.onRecordHeader(h));
    parser.on('packet', (p: PcapParserPacket) => this.onPacket(p));
    parser.on('error', (err: Error) => this.onParserError(err));
  }

  protected feed(chunk: Buffer): void {
    if (this.nanosecond && this.magicPending !== null) {
      // The magic may arrive split over tiny chunks (pipes): gather 4 bytes before rewriting it.
      this.magicPending.push(chunk);
      this.magicBytes += chunk.length;
      if (this.magicBytes < 4) return;
      const joined = Buffer.concat(this.magicPending, this.magicBytes);
      this.magicPending = null;
      rewriteNanosecondMagic(joined);
      chunk = joined;
    }
    this.feedStream.emit('data', chunk);
  }

  protected finish(): void {
    const left = this.bytesRead - this.consumed;
    if (!this.headerSeen) {
      this.damage(`truncated pcap file header: ${this.bytesRead} of ${PCAP_FILE_HEADER} bytes`, 0);
    } else if (this.openRecord >= 0) {
      const have = left - PCAP_RECORD_HEADER;
      this.damage(
        `truncated pcap record at offset ${this.openRecord}: ${have} of ${this.openCaptured} captured bytes present`,
        this.openRecord,
      );
    } else if (left > 0) {
      this.damage(
        `truncated pcap record header at offset ${this.consumed}: ${left} of ${PCAP_RECORD_HEADER} bytes present`,
        this.consumed,
      );
    }
  }

  private onGlobalHeader(h: PcapGlobalHeader): void {
    this.headerSeen = true;
    this.consumed = PCAP_FILE_HEADER;
    // Bits 26-31 carry FCS information, not the link type (as in libpcap/Wireshark).
    this.linkType = h.linkLayerType & 0x03ffffff;
    this.maxCaptured = maxCapturedLength(h.snapshotLength);
    this.noteLinkType(this.linkType);
  }

  private onRecordHeader(h: PcapRecordHeader): void {
    if (this.damaged || this.stopRequested) return;
    const at = this.consumed;
    if (h.capturedLength > this.maxCaptured) {
      this.damage(
        `pcap record at offset ${at}: captured length ${h.capturedLength} exceeds the maximum ` +
          `${this.maxCaptured}; the file is damaged, reading stopped`,
        at,
      );
      return;
    }
    this.openRecord = at;
    this.openCaptured = h.capturedLength;
  }

  private onPacket(p: PcapParserPacket): void {
    if (this.damaged || this.stopRequested) return;
    const h = p.header;
    this.consumed += PCAP_RECORD_HEADER + h.capturedLength;
    const at = this.openRecord;
    this.openRecord = -1;
    const pkt = this.packet;
    pkt.frame = ++this.frames;
    let sec = h.timestampSeconds;
    let frac = h.timestampMicroseconds;
    if (frac >= this.fractionPerSecond) {
      if (!this.fractionWarned) {
        this.fractionWarned = true;
        this.sink.warning({
          message: `pcap record at offset ${at}: timestamp fraction ${frac} is not below ${this.fractionPerSecond}; carried into seconds`,
          offset: at,
          frame: pkt.frame,
        });
      }
      sec += Math.floor(frac / this.fractionPerSecond);
      frac %= this.fractionPerSecond;
    }
    pkt.tsSec = sec;
    pkt.tsNsec = frac * this.nsPerUnit;
    pkt.linkType = this.linkType;
    pkt.data = p.data;
    pkt.originalLength = h.originalLength;
    pkt.interfaceId = 0;
    if (h.originalLength > h.capturedLength) this.truncatedPackets++;
    this.sink.packet(pkt);
  }

  private onParserError(err: Error): void {
    if (this.damaged) return;
    this.damage(`pcap file header: ${err.message}`, 0);
  }

  private damage(message: string, offset: number): void {
    this.damaged = true;
    this.sink.warning({ message, offset });
  }
}

/** Turns a nanosecond pcap magic into the microsecond one of the same byte order, in place. */
function rewriteNanosecondMagic(chunk: Buffer): void {
  if (chunk.length < 4) return;
  if (chunk[0] === 0xa1 && chunk[1] === 0xb2 && chunk[2] === 0x3c && chunk[3] === 0x4d) {
    chunk[2] = 0xc3;
    chunk[3] = 0xd4;
  } else if (chunk[0] === 0x4d && chunk[1] === 0x3c && chunk[2] === 0xb2 && chunk[3] === 0xa1) {
    chunk[0] = 0xd4;
    chunk[1] = 0xc3;
  }
}
