/** IPv4: options, fragments, lengths (Ethernet padding, snaplen truncation, bogus lengths). */
import { describe, expect, it } from 'vitest';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import { cat, ethernet, ipv4, tcp } from './builders.js';

function decode(frame: Uint8Array, wireLength?: number) {
  const seg = newTcpSegment();
  const status = decodePacket(1, frame, seg, wireLength);
  return { status, seg };
}

const payload = [0x16, 0x03, 0x01, 0x00, 0x05];
const seg5 = tcp({ payload });

describe('IPv4 header', () => {
  it('options: IHL 7 (router alert + NOP padding + timestamp-ish bytes) moves the TCP header', () => {
    const frame = ethernet(0x0800, ipv4(seg5, { options: [0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00] }));
    const { status, seg } = decode(frame);
    expect(status).toBe('tcp');
    expect(seg.ipOffset).toBe(14);
    expect(seg.tcpOffset).toBe(14 + 28);
    expect([...seg.payload]).toEqual(payload);
  });
  it('IHL below 5 and header longer than the data are malformed', () => {
    expect(decode(ethernet(0x0800, ipv4(seg5, { ihl: 4 }))).seg.error).toBe('IPv4 header length 16 less than 20');
    const ihl15 = ethernet(0x0800, ipv4([], { ihl: 15, totalLength: 60 }));
    expect(decode(ihl15).seg.error).toBe('IPv4 header length 60 greater than remaining 20 bytes');
    expect(decode(ihl15, 200).seg.error).toBe('IPv4 header length 60 greater than captured 20 bytes');
    expect(decode(ethernet(0x0800, new Array(19).fill(0x45))).seg.error).toBe('IPv4 header length 20 greater than remaining 19 bytes');
  });
  it('version other than 4 behind EtherType 0x0800', () => {
    expect(decode(ethernet(0x0800, ipv4(seg5, { version: 6 }))).seg.error).toBe('IPv4 header has version 6');
  });
  it('total length shorter than the header is malformed', () => {
    const { status, seg } = decode(ethernet(0x0800, ipv4(seg5, { totalLength: 19 })));
    expect([status, seg.error]).toEqual(['malformed', 'IPv4 total length 19 less than header length 20']);
  });
  it('protocol other than TCP', () => {
    const { status, seg } = decode(ethernet(0x0800, ipv4(new Array(8).fill(0), { protocol: 17 })));
    expect([status, seg.ipProtocol, seg.tcpOffset]).toEqual(['not-tcp', 17, -1]);
    expect(seg.src).toEqual(new Uint8Array([192, 0, 2, 1]));
  });
});

describe('IPv4 fragments', () => {
  it('MF set with offset 0 (first fragment)', () => {
    expect(decode(ethernet(0x0800, ipv4(seg5, { flagsFragment: 0x2000 }))).status).toBe('fragment');
  });
  it('offset != 0 without MF (last fragment)', () => {
    const { status, seg } = decode(ethernet(0x0800, ipv4(seg5, { flagsFragment: 185 })));
    expect([status, seg.ipProtocol]).toEqual(['fragment', 6]);
  });
  it('a fragment of UDP is still a fragment', () => {
    expect(decode(ethernet(0x0800, ipv4(seg5, { protocol: 17, flagsFragment: 0x2000 | 3 }))).status).toBe('fragment');
  });
  it('DF alone (and the reserved bit) is not a fragment', () => {
    expect(decode(ethernet(0x0800, ipv4(seg5, { flagsFragment: 0x4000 }))).status).toBe('tcp');
    expect(decode(ethernet(0x0800, ipv4(seg5, { flagsFragment: 0x8000 }))).status).toBe('tcp');
  });
});

describe('IPv4 total length', () => {
  it('Ethernet padding after a bare ACK is not payload', () => {
    const ack = ethernet(0x0800, ipv4(tcp({ flags: 0x10 })));
    expect(ack.length).toBe(54);
    const padded = cat(ack, [0, 0, 0, 0, 0, 0]); // 60-byte minimum frame
    const { status, seg } = decode(padded);
    expect(status).toBe('tcp');
    expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([0, 0, false]);
  });
  it('padding and a trailing FCS after a short payload are trimmed', () => {
    const frame = cat(ethernet(0x0800, ipv4(tcp({ payload: [0xaa] }))), [0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
    const { seg } = decode(frame);
    expect([...seg.payload]).toEqual([0xaa]);
    expect(seg.payloadLength).toBe(1);
  });
  it('snaplen truncation: the IP length fits the wire frame', () => {
    const full = ethernet(0x0800, ipv4(seg5));
    const { status, seg } = decode(full.subarray(0, full.length - 2), full.length);
    expect(status).toBe('tcp');
    expect(seg.error).toBe('');
    expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([3, 5, true]);
  });
  it('bogus length: longer than the frame on the wire (a note, payload clipped, not truncated)', () => {
    const frame = ethernet(0x0800, ipv4(seg5, { totalLength: 1500 }));
    const { status, seg } = decode(frame);
    expect(status).toBe('tcp');
    expect(seg.error).toBe('IPv4 total length 1500 greater than remaining 45 bytes');
    expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([5, 5, false]);
  });
  it('bogus length in a snaplen-truncated frame: clipped to the wire, still truncated', () => {
    const frame = ethernet(0x0800, ipv4(seg5, { totalLength: 1500 }));
    const { seg } = decode(frame.subarray(0, frame.length - 4), frame.length);
    expect(seg.error).toBe('IPv4 total length 1500 greater than remaining 45 bytes');
    expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([1, 5, true]);
  });
  it('total length 0 (segmentation offload on the sender) uses the frame length', () => {
    const { status, seg } = decode(ethernet(0x0800, ipv4(seg5, { totalLength: 0 })));
    expect(status).toBe('tcp');
    expect(seg.error).toBe('IPv4 total length 0 (segmentation offload?): using the frame length');
    expect(seg.payloadLength).toBe(5);
  });
});
