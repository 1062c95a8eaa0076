/** NetStats: counts per status, per not-TCP kind, per unsupported link type. */
import { describe, expect, it } from 'vitest';
import { decodePacket, NetStats, newTcpSegment, notTcpKindName } from '../../src/net/index.js';
import { ethernet, ipv4, ipv6, nullLink, tcp } from './builders.js';

function feed(stats: NetStats, linkType: number, frame: Uint8Array, times = 1): void {
  const seg = newTcpSegment();
  for (let i = 0; i < times; i++) stats.add(decodePacket(linkType, frame, seg), seg);
}

const udp4 = ethernet(0x0800, ipv4(new Array(8).fill(0), { protocol: 17 }));
const arp = ethernet(0x0806, new Array(28).fill(0));

describe('NetStats', () => {
  it('summarises like the CLI line in the brief', () => {
    const stats = new NetStats();
    feed(stats, 1, udp4, 12);
    feed(stats, 1, arp, 3);
    feed(stats, 147, udp4, 2);
    feed(stats, 1, ethernet(0x0800, ipv4(tcp())), 5);
    expect(stats.summary()).toBe('skipped: 12 UDP, 3 ARP, 2 frames of link type 147');
    expect([stats.frames, stats.tcp, stats.notTcp, stats.unsupportedLink]).toEqual([22, 5, 15, 2]);
  });
  it('merges UDP over IPv4 and IPv6, counts fragments and malformed frames, keeps messages', () => {
    const stats = new NetStats();
    feed(stats, 1, udp4);
    feed(stats, 229, ipv6(new Array(8).fill(0), { next: 17 }));
    feed(stats, 229, ipv6(new Array(8).fill(0), { next: 58 }));
    feed(stats, 1, ethernet(0x0800, ipv4(tcp(), { flagsFragment: 0x2000 })), 2);
    feed(stats, 1, new Uint8Array(10));
    feed(stats, 0, nullLink(7, [], true));
    feed(stats, 1, ethernet(0x88cc, [1, 2]));
    feed(stats, 9, new Uint8Array(1));
    expect(stats.summary()).toBe(
      'skipped: 2 IP fragments, 2 UDP, 1 ICMPv6, 1 LLDP, 1 malformed, 1 unknown network protocol, 1 frame of link type 9',
    );
    expect(stats.malformedMessages).toEqual(['Ethernet header length 14 greater than remaining 10 bytes']);
  });
  it('caps the kept messages', () => {
    const stats = new NetStats();
    feed(stats, 1, new Uint8Array(3), NetStats.MAX_MESSAGES + 5);
    expect(stats.malformedMessages.length).toBe(NetStats.MAX_MESSAGES);
    expect(stats.messagesDropped).toBe(5);
  });
  it('nothing skipped: empty summary', () => {
    const stats = new NetStats();
    feed(stats, 1, ethernet(0x0800, ipv4(tcp())));
    expect(stats.summary()).toBe('');
  });
  it('names', () => {
    expect(notTcpKindName(0x10000 + 200)).toBe('IP protocol 200');
    expect(notTcpKindName(0x1234)).toBe('EtherType 0x1234');
    expect(notTcpKindName(100)).toBe('802.3/LLC');
  });
});
