/**
 * Capture stage: packet sources (pcap, pcapng, live libpcap) produce frames.
 *
 * Contract for every PacketSource:
 * - frames are numbered 1.. like Wireshark (every packet record counts, whatever it carries);
 * - the Packet object handed to `sink.packet` MAY be reused by the source for the next call:
 *   a consumer copies the scalar fields it needs and must not keep the object;
 * - `data` is a view (never a copy) that is never overwritten afterwards, but consumers should not
 *   retain it beyond the call (it may pin a large read buffer); copy what must be kept;
 * - problems in the input never throw out of `run`: they become `sink.warning` calls with the byte
 *   offset, and reading stops at damage it cannot skip. Only a failure to start (bad path, not a
 *   capture file, no permission) rejects, with a CaptureError whose message is one line for people.
 */
import type { WarningCode } from '../warning-codes.js';

export type CaptureKind = 'pcap' | 'pcapng' | 'live';

/**
 * What the capture says about one packet, as one value (gopacket's CaptureInfo): the stages
 * downstream take it whole instead of picking fields, so none of them loses one (the original
 * length, say). Sources fill one object again and again: no allocation per packet.
 */
export interface CaptureInfo {
  /** 1-based frame number, Wireshark numbering. */
  frame: number;
  /** Timestamp, seconds since the Unix epoch (integer part). */
  tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999 (ns precision whatever the file resolution). */
  tsNsec: number;
  /** Bytes captured (= the packet's data.length). */
  capturedLength: number;
  /** Length of the packet on the wire; > capturedLength when snaplen-truncated. */
  originalLength: number;
  /** pcapng interface id (0 for pcap and live). */
  interfaceId: number;
}

/** Frame number and capture time: the part of CaptureInfo the TCP stage keeps. */
export type PacketTime = Pick<CaptureInfo, 'frame' | 'tsSec' | 'tsNsec'>;

export interface Packet extends CaptureInfo {
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  /** Captured bytes (a view). */
  data: Uint8Array;
}

/** pcapng Decryption Secrets Block (or key material from elsewhere), already copied out of the file. */
export interface DecryptionSecrets {
  /** Secrets type, e.g. 0x544c534b ("TLSK") = NSS key log text. */
  secretsType: number;
  /** The secrets payload (a copy, safe to keep). */
  data: Uint8Array;
  /** Number of frames read before this block (secrets may follow the packets they decrypt). */
  afterFrame: number;
  /** Byte offset of the block in the (decompressed) file. */
  offset: number;
}

export interface CaptureWarning {
  /** From the one catalogue (src/warning-codes.ts). */
  code: WarningCode;
  message: string;
  /** Byte offset in the (decompressed) input, when known. */
  offset?: number;
  /** Frame the warning is about, when known. */
  frame?: number;
}

/** pcapng Interface Statistics Block counters (null: the option is absent). */
export interface InterfaceStatistics {
  interfaceId: number;
  /** isb_ifrecv: packets received by the interface/capture. */
  received: number | null;
  /** isb_ifdrop: dropped for lack of resources (dumpcap writes libpcap's ps_drop here). */
  ifDrop: number | null;
  /** isb_osdrop: dropped by the operating system. */
  osDrop: number | null;
  /** Byte offset of the block. */
  offset: number;
}

export interface PacketSink {
  packet(p: Packet): void;
  secrets(s: DecryptionSecrets): void;
  warning(w: CaptureWarning): void;
  /** Interface Statistics Blocks (pcapng), when the sink wants them. */
  interfaceStats?(s: InterfaceStatistics): void;
}

export interface CaptureSummary {
  kind: CaptureKind;
  path?: string;
  /** Frames read. */
  packets: number;
  /** Distinct link types seen (pcap header, pcapng IDBs, live datalink). */
  linkTypes: number[];
  /** Bytes read from the (decompressed) input. */
  bytes: number;
  gzip: boolean;
  /** Packets whose captured length is shorter than the original length. */
  truncatedPackets: number;
}

export interface PacketSource {
  readonly kind: CaptureKind;
  /** Reads until the input ends (or `stop()` is called), pushing into the sink; yields to the event
   * loop between read chunks so a UI stays responsive. */
  run(sink: PacketSink): Promise<CaptureSummary>;
  /** Ask the source to stop soon (live capture, or a consumer that has seen enough). */
  stop(): void;
}

/** A capture file (or stdin) opened for reading. */
export interface CaptureFileSource extends PacketSource {
  /** Releases the input without reading it (after an error before run(); run() closes it itself). */
  close(): void;
}

/** A failure to start reading, with a one-line message meant for people (exit code 2). */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** Well-known LINKTYPE_* values used across stages. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_12: 12,
  RAW_14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
