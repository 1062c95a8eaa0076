/** TCP header: fields, flags, data offset, options. Bytes per RFC 9293 / RFC 7323 / RFC 2018. */
import { describe, expect, it } from 'vitest';
import { decodePacket, newTcpSegment, TcpFlag } from '../../src/net/index.js';
import { ipv4, tcp } from './builders.js';

function decode(frame: Uint8Array, wireLength?: number) {
  const seg = newTcpSegment();
  const status = decodePacket(228, frame, seg, wireLength);
  return { status, seg };
}

describe('TCP fixed header', () => {
  it('hand-written bytes: ports, unsigned 32-bit seq/ack, flags incl. NS, window', () => {
    // prettier-ignore
    const header = [
      0x01, 0xbb, 0xc3, 0x50, // 443 -> 50000
      0xff, 0xff, 0xff, 0xfe, // seq 4294967294
      0x80, 0x00, 0x00, 0x01, // ack 2147483649
      0x51, 0xd2,             // data offset 5, NS; CWR ECE ACK SYN
      0x01, 0x00,             // window 256
      0x00, 0x00, 0x00, 0x00, // checksum, urgent pointer
      0x68, 0x69,             // payload "hi"
    ];
    const { status, seg } = decode(ipv4(header));
    expect(status).toBe('tcp');
    expect([seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.window]).toEqual([443, 50000, 4294967294, 2147483649, 256]);
    expect(seg.flags).toBe(TcpFlag.NS | TcpFlag.CWR | TcpFlag.ECE | TcpFlag.ACK | TcpFlag.SYN);
    expect(Buffer.from(seg.payload).toString()).toBe('hi');
    expect([seg.mss, seg.windowScale, seg.sackPermitted, seg.hasTimestamps]).toEqual([-1, -1, false, false]);
  });
  it('payload is a view into the frame, not a copy', () => {
    const frame = ipv4(tcp({ payload: [1, 2, 3] }));
    const { seg } = decode(frame);
    frame[frame.length - 1] = 99;
    expect(seg.payload[2]).toBe(99);
    expect(seg.payload.buffer).toBe(frame.buffer);
  });
});

describe('TCP data offset', () => {
  it('bogus data offset 15 (60 bytes) with 20 bytes of segment', () => {
    const { status, seg } = decode(ipv4(tcp({ dataOffset: 15 })));
    expect([status, seg.error]).toEqual(['malformed', 'TCP data offset 60 greater than remaining 20 bytes']);
  });
  it('data offset below 5', () => {
    const { status, seg } = decode(ipv4(tcp({ dataOffset: 4, payload: new Array(10).fill(0) })));
    expect([status, seg.error]).toEqual(['malformed', 'TCP data offset 16 less than 20']);
  });
  it('segment shorter than a TCP header (by the IP length, or by the capture)', () => {
    const short = ipv4(tcp().subarray(0, 12));
    expect(decode(short).seg.error).toBe('TCP header length 20 greater than remaining 12 bytes');
    const full = ipv4(tcp());
    expect(decode(full.subarray(0, 32), full.length).seg.error).toBe('TCP header length 20 greater than captured 12 bytes');
  });
  it('options cut by snaplen: still a segment, options read as far as captured', () => {
    const syn = ipv4(tcp({ flags: 0x02, options: [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7], payload: [1] }));
    const { status, seg } = decode(syn.subarray(0, 20 + 20 + 8), syn.length);
    expect(status).toBe('tcp');
    expect(seg.flags).toBe(TcpFlag.SYN);
    expect(seg.error).toBe('TCP data offset 40 greater than captured 28 bytes (options cut by the capture)');
    expect([seg.mss, seg.sackPermitted, seg.hasTimestamps, seg.windowScale]).toEqual([1460, true, false, -1]);
    expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([0, 1, true]);
  });
});

describe('TCP options', () => {
  it('a Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale', () => {
    // prettier-ignore
    const options = [
      2, 4, 0xff, 0xd7,                                  // MSS 65495
      4, 2,                                              // SACK permitted
      8, 10, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x01, // TSval 3735928559, TSecr 1
      1,                                                 // NOP
      3, 3, 7,                                           // window scale 7
    ];
    const { status, seg } = decode(ipv4(tcp({ flags: 0x02, options })));
    expect(status).toBe('tcp');
    expect(seg.error).toBe('');
    expect(seg.payloadOffset - seg.tcpOffset).toBe(40);
    expect([seg.mss, seg.sackPermitted, seg.windowScale]).toEqual([65495, true, 7]);
    expect([seg.hasTimestamps, seg.tsVal, seg.tsEcr]).toEqual([true, 3735928559, 1]);
  });
  it('unknown options (SACK blocks, MPTCP) are skipped by their length', () => {
    const sack = [5, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    const { seg } = decode(ipv4(tcp({ options: [1, 1, ...sack, 30, 4, 0, 0, 2, 4, 1, 0] })));
    expect(seg.error).toBe('');
    expect(seg.mss).toBe(256);
  });
  it('EOL ends the option list', () => {
    const { seg } = decode(ipv4(tcp({ options: [0, 2, 4, 1, 0] })));
    expect([seg.mss, seg.error]).toEqual([-1, '']);
  });
  it('damaged options keep the segment, with a note', () => {
    const cases: [number[], string][] = [
      [[1, 1, 1, 8], 'TCP option 8 has no length byte'],
      [[8, 1, 0, 0], 'TCP option 8 length 1 less than 2'],
      [[8, 10, 0, 0], 'TCP option 8 length 10 greater than remaining 4 bytes'],
      [[2, 5, 0, 0, 0, 0, 0, 0], 'TCP option 2 (MSS) length 5, expected 4'],
      [[3, 4, 7, 0], 'TCP option 3 (window scale) length 4, expected 3'],
      [[4, 3, 0, 0], 'TCP option 4 (SACK permitted) length 3, expected 2'],
      [[8, 6, 0, 0, 0, 0, 0, 0], 'TCP option 8 (timestamps) length 6, expected 10'],
    ];
    for (const [options, message] of cases) {
      const { status, seg } = decode(ipv4(tcp({ options, payload: [7] })));
      expect(status).toBe('tcp');
      expect(seg.error).toBe(message);
      expect([...seg.payload]).toEqual([7]);
    }
  });
});
