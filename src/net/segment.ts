/**
 * The reusable object decodePacket fills. `src`, `dst` and `payload` are views into the frame,
 * created on first access (a view costs as much as the rest of the decode; pure ACKs and callers
 * that key flows with flowKey never need them). Assigning them is allowed and replaces the view.
 * They are accessors on the prototype: object spread or Object.keys do not see them.
 */

import type { DecodedSegment } from './types.js';

export const EMPTY = new Uint8Array(0);

export class DecodedTcpSegment implements DecodedSegment {
  ipVersion: 4 | 6 = 4;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  payloadLength = 0;
  payloadTruncated = false;
  vlan = -1;
  error = '';
  linkType = -1;
  etherType = -1;
  ipProtocol = -1;
  ipOffset = -1;
  tcpOffset = -1;
  payloadOffset = -1;
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  /** The frame last decoded (kept until the next decode; the views point into it). */
  frame: Uint8Array = EMPTY;
  /** Offset of the source address in `frame` (the destination follows it), -1 before IP. */
  addrOffset = -1;
  /** 4 or 16 once the IP header was read, else 0. */
  addrLength = 0;
  /** End of the captured payload in `frame` (payload = frame[payloadOffset, payloadEnd)). */
  payloadEnd = -1;
  /** Not-TCP IP packets: offset of the transport header in `frame` and the end of the IP payload
   * (frame coordinates, clipped to the wire length), -1 when unknown. Read by decodeUdp. */
  l4Offset = -1;
  l4End = -1;
  private srcView: Uint8Array | undefined = undefined;
  private dstView: Uint8Array | undefined = undefined;
  private payloadView: Uint8Array | undefined = undefined;

  get src(): Uint8Array {
    if (this.srcView === undefined) {
      const o = this.addrOffset;
      this.srcView = o < 0 ? EMPTY : this.frame.subarray(o, o + this.addrLength);
    }
    return this.srcView;
  }
  set src(view: Uint8Array) {
    this.srcView = view;
  }

  get dst(): Uint8Array {
    if (this.dstView === undefined) {
      const o = this.addrOffset + this.addrLength;
      this.dstView = this.addrOffset < 0 ? EMPTY : this.frame.subarray(o, o + this.addrLength);
    }
    return this.dstView;
  }
  set dst(view: Uint8Array) {
    this.dstView = view;
  }

  get payload(): Uint8Array {
    if (this.payloadView === undefined) {
      const start = this.payloadOffset;
      this.payloadView = start < 0 || this.payloadEnd <= start ? EMPTY : this.frame.subarray(start, this.payloadEnd);
    }
    return this.payloadView;
  }
  set payload(view: Uint8Array) {
    this.payloadView = view;
  }

  /** True when src and dst are still the frame's own address bytes (not reassigned). */
  addressesInFrame(): boolean {
    return this.addrOffset >= 0 && this.srcView === undefined && this.dstView === undefined;
  }

  /** Clears every field before a decode of `frame` as `linkType`. */
  reset(frame: Uint8Array, linkType: number): void {
    this.ipVersion = 4;
    this.srcPort = 0;
    this.dstPort = 0;
    this.seq = 0;
    this.ack = 0;
    this.flags = 0;
    this.window = 0;
    this.payloadLength = 0;
    this.payloadTruncated = false;
    this.vlan = -1;
    this.error = '';
    this.linkType = linkType;
    this.etherType = -1;
    this.ipProtocol = -1;
    this.ipOffset = -1;
    this.tcpOffset = -1;
    this.payloadOffset = -1;
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.hasTimestamps = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.frame = frame;
    this.addrOffset = -1;
    this.addrLength = 0;
    this.payloadEnd = -1;
    this.l4Offset = -1;
    this.l4End = -1;
    this.srcView = undefined;
    this.dstView = undefined;
    this.payloadView = undefined;
  }
}
