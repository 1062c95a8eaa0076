/**
 * Flow table: 4-tuple -> entry, without building a string key per packet. Entries are found
 * through a 32-bit hash of both (address, port) endpoints (symmetric, so both directions land on
 * the same entry) and chained per hash value. Each entry is on one of two intrusive LRU lists
 * kept by the reassembler: live connections and tombstones (closed tuples).
 */
import type { ConnectionState } from './connection.js';
import type { BaseSeqState } from './stream-rules.js';
import type { TcpSegment } from '../net/types.js';

/** Optional shape of a net-stage segment (DecodedTcpSegment) whose addresses are still inside
 * its frame: reading them there avoids creating two address views per packet. */
interface FrameAddressed {
  frame: Uint8Array;
  addrOffset: number;
  addrLength: number;
  addressesInFrame(): boolean;
}

export class FlowEntry implements BaseSeqState {
  bucketNext: FlowEntry | null = null;
  /** IPv4: endpoint A's and endpoint B's address as 32-bit words (A = source of the entry's first
   * packet). Numbers, not a Uint8Array: a small typed array costs ~200 bytes of heap, and up to
   * maxTombstones entries stay alive. */
  readonly a4: number;
  readonly b4: number;
  /** IPv6: endpoint A's address then endpoint B's (32 bytes); null for IPv4. */
  readonly addrs6: Uint8Array | null;
  /** tcp.stream id of the current (or last) connection on this tuple. */
  id = -1;
  /** Whether endpoint A is the client (side 0) of the current connection. */
  aIsClient = true;
  /** The live connection, or null for a tombstone. */
  state: ConnectionState | null = null;
  lastTsSec = 0;
  prev: FlowEntry | null = null;
  next: FlowEntry | null = null;
  list: EntryList | null = null;
  baseSet = 0;
  baseAB = 0;
  baseBA = 0;

  constructor(
    readonly hash: number,
    a4: number,
    b4: number,
    addrs6: Uint8Array | null,
    readonly portA: number,
    readonly portB: number,
  ) {
    this.a4 = a4;
    this.b4 = b4;
    this.addrs6 = addrs6;
  }

  get ipLen(): number {
    return this.addrs6 === null ? 4 : 16;
  }

  /** Endpoint A's address bytes (a new array for IPv4; made once per connection). */
  addressA(): Uint8Array {
    return this.addrs6 === null ? wordBytes(this.a4) : this.addrs6.subarray(0, 16);
  }

  addressB(): Uint8Array {
    return this.addrs6 === null ? wordBytes(this.b4) : this.addrs6.subarray(16);
  }
}

function wordBytes(w: number): Uint8Array {
  return Uint8Array.of(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
}

/** The 4 bytes at `at` as a big-endian 32-bit word (int32). */
function word(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

function endpointHash(b: Uint8Array, at: number, len: number, port: number): number {
  let h = 0x811c9dc5 ^ port;
  for (let i = at; i < at + len; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
}

/** Same value for both directions of a flow. */
export function flowHash(src: Uint8Array, dst: Uint8Array, srcPort: number, dstPort: number): number {
  return mix(endpointHash(src, 0, src.length, srcPort) + endpointHash(dst, 0, dst.length, dstPort));
}

function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

export class FlowTable {
  private readonly buckets = new Map<number, FlowEntry>();
  size = 0;
  /** Set by find(): whether the looked-up packet was sent by endpoint A. */
  fromA = true;
  /** Addresses of the packet being looked up, set by locate(). */
  private srcBytes: Uint8Array = new Uint8Array(0);
  private dstBytes: Uint8Array = this.srcBytes;
  private srcAt = 0;
  private dstAt = 0;
  private len = 0;
  /** IPv4 only: the located packet's addresses as words. */
  private src4 = 0;
  private dst4 = 0;

  /** Where the packet's addresses are; false when they are not 4 or 16 bytes each. */
  locate(seg: TcpSegment): boolean {
    const fa = seg as unknown as Partial<FrameAddressed>;
    if (typeof fa.addressesInFrame === 'function' && fa.addressesInFrame()) {
      const len = fa.addrLength!;
      this.srcBytes = this.dstBytes = fa.frame!;
      this.srcAt = fa.addrOffset!;
      this.dstAt = this.srcAt + len;
      this.len = len;
      return (len === 4 || len === 16) && this.dstAt + len <= this.srcBytes.length && this.words();
    }
    const src = seg.src;
    const dst = seg.dst;
    this.srcBytes = src;
    this.dstBytes = dst;
    this.srcAt = 0;
    this.dstAt = 0;
    this.len = src.length;
    return (src.length === 4 || src.length === 16) && dst.length === src.length && this.words();
  }

  /** IPv4: reads the located addresses as words (always true, for chaining). */
  private words(): boolean {
    if (this.len === 4) {
      this.src4 = word(this.srcBytes, this.srcAt);
      this.dst4 = word(this.dstBytes, this.dstAt);
    }
    return true;
  }

  /** Hash of the located packet's flow (same for both directions). */
  hash(srcPort: number, dstPort: number): number {
    return mix(endpointHash(this.srcBytes, this.srcAt, this.len, srcPort) +
      endpointHash(this.dstBytes, this.dstAt, this.len, dstPort));
  }

  find(hash: number, srcPort: number, dstPort: number): FlowEntry | null {
    if (this.len === 4) {
      const { src4, dst4 } = this;
      for (let e = this.buckets.get(hash) ?? null; e !== null; e = e.bucketNext) {
        if (e.addrs6 !== null) continue;
        if (e.portA === srcPort && e.portB === dstPort && e.a4 === src4 && e.b4 === dst4) {
          this.fromA = true;
          return e;
        }
        if (e.portA === dstPort && e.portB === srcPort && e.a4 === dst4 && e.b4 === src4) {
          this.fromA = false;
          return e;
        }
      }
      return null;
    }
    const { srcBytes, dstBytes, srcAt, dstAt } = this;
    for (let e = this.buckets.get(hash) ?? null; e !== null; e = e.bucketNext) {
      const a = e.addrs6;
      if (a === null) continue;
      if (e.portA === srcPort && e.portB === dstPort && sameBytes(a, 0, srcBytes, srcAt, 16) &&
        sameBytes(a, 16, dstBytes, dstAt, 16)) {
        this.fromA = true;
        return e;
      }
      if (e.portA === dstPort && e.portB === srcPort && sameBytes(a, 0, dstBytes, dstAt, 16) &&
        sameBytes(a, 16, srcBytes, srcAt, 16)) {
        this.fromA = false;
        return e;
      }
    }
    return null;
  }

  /** A new entry for the located packet (its source becomes endpoint A), inserted. */
  add(hash: number, srcPort: number, dstPort: number): FlowEntry {
    let e: FlowEntry;
    if (this.len === 4) {
      e = new FlowEntry(hash, this.src4, this.dst4, null, srcPort, dstPort);
    } else {
      const addrs = new Uint8Array(32);
      addrs.set(this.srcBytes.subarray(this.srcAt, this.srcAt + 16), 0);
      addrs.set(this.dstBytes.subarray(this.dstAt, this.dstAt + 16), 16);
      e = new FlowEntry(hash, 0, 0, addrs, srcPort, dstPort);
    }
    e.bucketNext = this.buckets.get(hash) ?? null;
    this.buckets.set(hash, e);
    this.size++;
    return e;
  }

  delete(e: FlowEntry): void {
    let prev: FlowEntry | null = null;
    for (let cur = this.buckets.get(e.hash) ?? null; cur !== null; prev = cur, cur = cur.bucketNext) {
      if (cur !== e) continue;
      if (prev !== null) prev.bucketNext = cur.bucketNext;
      else if (cur.bucketNext !== null) this.buckets.set(e.hash, cur.bucketNext);
      else this.buckets.delete(e.hash);
      cur.bucketNext = null;
      this.size--;
      return;
    }
  }

  clear(): void {
    this.buckets.clear();
    this.size = 0;
  }
}

/** Intrusive doubly-linked list in least-recently-used order (head = oldest). */
export class EntryList {
  head: FlowEntry | null = null;
  tail: FlowEntry | null = null;
  size = 0;

  append(e: FlowEntry): void {
    e.list = this;
    e.prev = this.tail;
    e.next = null;
    if (this.tail !== null) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  remove(e: FlowEntry): void {
    if (e.list !== this) return;
    if (e.prev !== null) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = null;
    e.next = null;
    e.list = null;
    this.size--;
  }

  /** Mark `e` as most recently used. */
  touch(e: FlowEntry): void {
    if (this.tail === e) return;
    this.remove(e);
    this.append(e);
  }

  clear(): void {
    this.head = null;
    this.tail = null;
    this.size = 0;
  }
}
