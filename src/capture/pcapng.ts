/**
 * pcapng reader: streaming, chunk by chunk. Blocks lying inside a chunk are parsed in place (packet
 * data are views of the chunk); a block spanning chunks is assembled into a buffer of exactly its
 * length. Every block length is checked before use; damage to the block framing stops reading with
 * a warning naming the offset, damage inside a well-framed block skips that block.
 */
import { ChunkedFileSource } from './file-source.js';
import type { ByteInput } from './input.js';
import {
  BLOCK_MIN,
  BlockType,
  readBlockHeader,
  readI64,
  readInterface,
  readU16,
  readU32,
  shbByteOrder,
  type BlockHeader,
  type PcapngInterface,
} from './pcapng-blocks.js';
import { splitTimestamp, type SecNsec } from './timestamp.js';
import type { InterfaceStatistics } from './types.js';
import type { WarningCode } from '../warning-codes.js';

export class PcapngSource extends ChunkedFileSource {
  readonly kind = 'pcapng' as const;
  /** Byte order of the current section; null before the first SHB. */
  private le: boolean | null = null;
  private interfaces: PcapngInterface[] = [];
  /** Offset in the input of the next block to parse. */
  private offset = 0;
  /** A block spanning chunks: its bytes so far (exactly BLOCK_MIN long while its length is unknown). */
  private carry: Buffer | null = null;
  private carryFill = 0;
  /** Length of the block (or header) being carried across chunks. */
  private carryTotal = 0;
  private carryHeaderOnly = false;
  private readonly header: BlockHeader = { totalLength: 0, littleEndian: true, problem: null };
  private readonly ts: SecNsec = { sec: 0, nsec: 0 };

  constructor(input: ByteInput, path: string | undefined) {
    super(input, path);
  }

  protected feed(chunk: Buffer): void {
    let pos = 0;
    while (this.carry !== null) {
      const n = Math.min(this.carryTotal - this.carryFill, chunk.length - pos);
      this.carryReserve(this.carryFill + n);
      const carry = this.carry;
      chunk.copy(carry, this.carryFill, pos, pos + n);
      this.carryFill += n;
      pos += n;
      if (this.carryFill < this.carryTotal) return;
      if (this.carryHeaderOnly) {
        if (!this.checkHeader(carry, 0)) return;
        this.carryHeaderOnly = false;
        this.carryTotal = this.header.totalLength;
        continue;
      }
      this.carry = null;
      this.handleBlock(carry, 0, this.carryTotal);
      if (this.damaged || this.stopRequested) return;
    }
    pos = this.parseBlocks(chunk, pos);
    if (this.damaged || this.stopRequested || pos >= chunk.length) return;
    const rest = chunk.length - pos;
    // parseBlocks stopped at an incomplete block; when its header is present it was checked.
    this.carryHeaderOnly = rest < BLOCK_MIN;
    this.carryTotal = this.carryHeaderOnly ? BLOCK_MIN : this.header.totalLength;
    // memory follows the bytes that arrive, not the length a (possibly lying) header declares
    this.carry = Buffer.allocUnsafe(Math.min(this.carryTotal, Math.max(rest, 64 * 1024)));
    chunk.copy(this.carry, 0, pos);
    this.carryFill = rest;
  }

  /** Grows the carry buffer (doubling, capped at the block length) to hold `need` bytes. */
  private carryReserve(need: number): void {
    const carry = this.carry as Buffer;
    if (need <= carry.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.carryTotal, Math.max(carry.length * 2, need)));
    carry.copy(grown, 0, 0, this.carryFill);
    this.carry = grown;
  }

  protected finish(): void {
    if (this.carry === null) return;
    const what = this.carryHeaderOnly ? 'block header' : 'block';
    this.damage('capture-truncated', `truncated pcapng ${what} at offset ${this.offset}: ${this.carryFill} of ${this.carryTotal} bytes present`);
  }

  /** Parses the complete blocks of b from pos; returns where the first incomplete block starts. */
  private parseBlocks(b: Buffer, pos: number): number {
    const end = b.length;
    while (!this.damaged && !this.stopRequested && end - pos >= BLOCK_MIN) {
      if (!this.checkHeader(b, pos)) return pos;
      const total = this.header.totalLength;
      if (end - pos < total) return pos;
      this.handleBlock(b, pos, total);
      pos += total;
    }
    return pos;
  }

  private checkHeader(b: Buffer, o: number): boolean {
    readBlockHeader(b, o, this.le, this.header);
    if (this.header.problem === null) return true;
    this.damage('capture-file-damaged', `pcapng block at offset ${this.offset}: ${this.header.problem}; reading stopped`);
    return false;
  }

  /** Handles the complete block b[o..o+len) located at this.offset, then advances the offset. */
  private handleBlock(b: Buffer, o: number, len: number): void {
    const at = this.offset;
    const type = readU32(b, o, this.le ?? true);
    // An SHB declares its own byte order (checked by readBlockHeader); other blocks use the section's.
    const le = type === BlockType.SHB ? (shbByteOrder(b, o) ?? true) : (this.le ?? true);
    const trailer = readU32(b, o + len - 4, le);
    if (trailer !== len) {
      this.damage('capture-file-damaged', `pcapng block at offset ${at}: trailing length ${trailer} differs from leading length ${len}; reading stopped`);
      return;
    }
    switch (type) {
      case BlockType.SHB:
        this.section(b, o, le, at);
        break;
      case BlockType.IDB:
        this.interfaceBlock(b, o, len, le, at);
        break;
      case BlockType.EPB:
        this.packetBlock(b, o, len, le, at, readU32(b, o + 8, le), 28, 'enhanced');
        break;
      case BlockType.OPB:
        this.packetBlock(b, o, len, le, at, readU16(b, o + 8, le), 28, 'obsolete');
        break;
      case BlockType.SPB:
        this.simplePacket(b, o, len, le, at);
        break;
      case BlockType.DSB:
        this.secretsBlock(b, o, len, le, at);
        break;
      case BlockType.ISB:
        this.statisticsBlock(b, o, len, le, at);
        break;
      default:
        // NRB, custom blocks (0xBAD, 0x40000BAD) and unknown types: framing checked, skipped.
        break;
    }
    this.offset = at + len;
  }

  private section(b: Buffer, o: number, le: boolean, at: number): void {
    const major = readU16(b, o + 12, le);
    if (major !== 1) {
      this.damage('capture-version-unsupported', `section header block at offset ${at}: unsupported pcapng major version ${major}; reading stopped`);
      return;
    }
    this.le = le;
    this.interfaces = [];
  }

  private interfaceBlock(b: Buffer, o: number, len: number, le: boolean, at: number): void {
    const { iface, problem } = readInterface(b, o, len, le);
    if (problem !== null) this.warn('pcapng-block-malformed', `interface description block at offset ${at}: ${problem}`, at);
    if (iface === null) return;
    this.interfaces.push(iface);
    this.noteLinkType(iface.linkType);
  }

  /** EPB (interface id u32 at 8) and OPB (interface id u16 at 8): same layout from byte 12 on. */
  private packetBlock(b: Buffer, o: number, len: number, le: boolean, at: number, ifId: number, dataAt: number, name: string): void {
    if (len < dataAt + 4) {
      this.warn('pcapng-block-malformed', `${name} packet block at offset ${at}: block length ${len} too short for its header; skipped`, at);
      return;
    }
    const iface = this.interfaces[ifId];
    if (iface === undefined) {
      this.warn('pcapng-interface-undefined', `${name} packet block at offset ${at}: interface id ${ifId} not defined in this section (${this.interfaces.length} interfaces); skipped`, at);
      return;
    }
    const captured = readU32(b, o + 20, le);
    const room = len - dataAt - 4;
    if (captured > room) {
      this.warn('pcapng-block-malformed', `${name} packet block at offset ${at}: captured length ${captured} exceeds the block body (${room} bytes); skipped`, at);
      return;
    }
    splitTimestamp(readU32(b, o + 12, le), readU32(b, o + 16, le), iface.resolution, this.ts);
    this.deliver(b.subarray(o + dataAt, o + dataAt + captured), readU32(b, o + 24, le), ifId, iface);
  }

  private simplePacket(b: Buffer, o: number, len: number, le: boolean, at: number): void {
    const iface = this.interfaces[0];
    if (len < 16 || iface === undefined) {
      const why = iface === undefined ? 'no interface defined in this section' : `block length ${len} too short`;
      this.warn(iface === undefined ? 'pcapng-interface-undefined' : 'pcapng-block-malformed', `simple packet block at offset ${at}: ${why}; skipped`, at);
      return;
    }
    const original = readU32(b, o + 8, le);
    let captured = Math.min(original, len - 16);
    if (iface.snaplen !== 0 && captured > iface.snaplen) captured = iface.snaplen;
    // No timestamp in an SPB: 0, as Wireshark shows it.
    this.ts.sec = 0;
    this.ts.nsec = 0;
    this.deliver(b.subarray(o + 12, o + 12 + captured), original, 0, iface);
  }

  private deliver(data: Buffer, original: number, ifId: number, iface: PcapngInterface): void {
    const p = this.packet;
    p.frame = ++this.frames;
    p.tsSec = this.ts.sec + iface.tsOffset;
    p.tsNsec = this.ts.nsec;
    p.linkType = iface.linkType;
    p.data = data;
    p.capturedLength = data.length;
    p.originalLength = original;
    p.interfaceId = ifId;
    if (original > data.length) this.truncatedPackets++;
    this.sink.packet(p);
  }

  private secretsBlock(b: Buffer, o: number, len: number, le: boolean, at: number): void {
    if (len < 20) {
      this.warn('pcapng-block-malformed', `decryption secrets block at offset ${at}: block length ${len} too short; skipped`, at);
      return;
    }
    const secretsType = readU32(b, o + 8, le);
    const size = readU32(b, o + 12, le);
    if (size > len - 20) {
      this.warn('pcapng-block-malformed', `decryption secrets block at offset ${at}: secrets length ${size} exceeds the block body (${len - 20} bytes); skipped`, at);
      return;
    }
    this.sink.secrets({
      secretsType,
      data: new Uint8Array(b.subarray(o + 16, o + 16 + size)),
      afterFrame: this.frames,
      offset: at,
    });
  }

  /** ISB: interface id u32, timestamp 2 x u32, then options (isb_ifrecv 4, isb_ifdrop 5, isb_osdrop 7: u64). */
  private statisticsBlock(b: Buffer, o: number, len: number, le: boolean, at: number): void {
    if (this.sink.interfaceStats === undefined) return;
    if (len < 24) {
      this.warn('pcapng-block-malformed', `interface statistics block at offset ${at}: block length ${len} too short; skipped`, at);
      return;
    }
    const s: InterfaceStatistics = { interfaceId: readU32(b, o + 8, le), received: null, ifDrop: null, osDrop: null, offset: at };
    const end = o + len - 4;
    let p = o + 20;
    while (p + 4 <= end) {
      const code = readU16(b, p, le);
      const olen = readU16(b, p + 2, le);
      if (code === 0) break;
      if (p + 4 + olen > end) {
        this.warn('pcapng-block-malformed', `interface statistics block at offset ${at}: option ${code} overruns the block; rest skipped`, at);
        break;
      }
      if (olen === 8 && (code === 4 || code === 5 || code === 7)) {
        const v = Math.max(0, readI64(b, p + 4, le));
        if (code === 4) s.received = v;
        else if (code === 5) s.ifDrop = v;
        else s.osDrop = v;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    this.sink.interfaceStats(s);
  }

  private warn(code: WarningCode, message: string, offset: number): void {
    this.sink.warning({ code, message, offset });
  }

  private damage(code: WarningCode, message: string): void {
    this.damaged = true;
    this.sink.warning({ code, message, offset: this.offset });
  }
}
