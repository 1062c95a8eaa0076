/**
 * Real captures against tshark: every frame of the Zeek corpus and of the small captures made on
 * this machine (test/fixtures/net/make-captures.sh) is decoded and compared field by field with
 * the golden files from test/fixtures/net/regenerate.sh.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePacket, formatIp, NetStats, newTcpSegment } from '../../src/net/index.js';
import { expectedKind, expectedStatus, readGolden, type GoldenRow } from './golden.js';
import { readPcap } from './read-pcap.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/net');
const CORPUS = join(import.meta.dirname, '../fixtures/zeek');

const local = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.pcap'))
  .map((f) => ({ name: f, pcap: join(FIXTURES, f), golden: join(FIXTURES, f.replace(/\.pcap$/, '.tsv')) }));
const zeek = readdirSync(join(FIXTURES, 'zeek'))
  .filter((f) => f.endsWith('.tsv'))
  .map((f) => ({ name: `zeek/${f}`, pcap: join(CORPUS, basename(f, '.tsv') + '.pcap'), golden: join(FIXTURES, 'zeek', f) }));

const num = (s: string | undefined, absent = -1): number => (s === undefined || s === '' ? absent : Number(s));

function check(linkType: number, data: Uint8Array, originalLength: number, row: GoldenRow, stats: NetStats): void {
  const seg = newTcpSegment();
  const status = decodePacket(linkType, data, seg, originalLength);
  stats.add(status, seg);
  const frame = `frame ${row['frame.number']}`;
  expect(status, `${frame}: ${seg.error}`).toBe(expectedStatus(row));
  const src = row['ip.src'] || row['ipv6.src'];
  if (src !== '' && status !== 'not-tcp') {
    expect(formatIp(seg.src), frame).toBe(src);
    expect(formatIp(seg.dst), frame).toBe(row['ip.dst'] || row['ipv6.dst']);
  }
  const outerVlan = num(row['ieee8021ad.id'], num(row['vlan.id']));
  expect(seg.vlan, frame).toBe(outerVlan);
  if (status !== 'tcp') return;
  const optionsCut = num(row['frame.cap_len']) < seg.payloadOffset;
  expect(seg.error, frame).toBe(optionsCut ? `TCP data offset ${row['tcp.hdr_len']} greater than captured ${num(row['frame.cap_len']) - seg.tcpOffset} bytes (options cut by the capture)` : '');
  expect(seg.ipVersion, frame).toBe(row['ip.src'] ? 4 : 6);
  expect([seg.srcPort, seg.dstPort], frame).toEqual([num(row['tcp.srcport']), num(row['tcp.dstport'])]);
  expect(seg.payloadLength, frame).toBe(num(row['tcp.len']));
  expect([seg.seq, seg.ack], frame).toEqual([num(row['tcp.seq_raw']), num(row['tcp.ack_raw'])]);
  expect(seg.flags, frame).toBe(Number(row['tcp.flags']) & 0x1ff);
  expect(seg.window, frame).toBe(num(row['tcp.window_size_value']));
  expect(seg.payloadOffset - seg.tcpOffset, frame).toBe(num(row['tcp.hdr_len']));
  expect(seg.mss, frame).toBe(num(row['tcp.options.mss_val']));
  expect(seg.windowScale, frame).toBe(num(row['tcp.options.wscale.shift']));
  expect(seg.sackPermitted, frame).toBe(row['tcp.options.sack_perm'] !== '');
  expect(seg.hasTimestamps, frame).toBe(row['tcp.options.timestamp.tsval'] !== '');
  if (seg.hasTimestamps) {
    expect([seg.tsVal, seg.tsEcr], frame).toEqual([num(row['tcp.options.timestamp.tsval']), num(row['tcp.options.timestamp.tsecr'])]);
  }
  const capturedPayload = Math.max(0, Math.min(seg.payloadLength, num(row['frame.cap_len']) - seg.payloadOffset));
  expect(seg.payload.length, frame).toBe(capturedPayload);
  expect(seg.payloadTruncated, frame).toBe(capturedPayload < seg.payloadLength);
  if (seg.payload.length > 0) expect(seg.payload.byteOffset, frame).toBe(data.byteOffset + seg.payloadOffset);
}

describe.each([...local, ...zeek])('$name', ({ pcap, golden }) => {
  it('decodes every frame as tshark does', () => {
    const { linkType, frames } = readPcap(pcap);
    const rows = readGolden(golden);
    expect(frames.length).toBe(rows.length);
    const stats = new NetStats();
    frames.forEach((f, i) => check(linkType, f.data, f.originalLength, rows[i]!, stats));
    expect(stats.tcp).toBe(rows.filter((r) => expectedStatus(r) === 'tcp').length);
    expect(stats.fragments).toBe(rows.filter((r) => expectedStatus(r) === 'fragment').length);
    expect(stats.malformed + stats.unsupportedLink).toBe(0);
    const kinds = new Map<string, number>();
    for (const r of rows) if (expectedStatus(r) === 'not-tcp') kinds.set(expectedKind(r), (kinds.get(expectedKind(r)) ?? 0) + 1);
    const skipped = stats.skipped().filter((e) => e.label !== 'IP fragments');
    expect(new Map(skipped.map((e) => [e.label, e.count]))).toEqual(kinds);
  });
});

describe('fixture coverage', () => {
  it('includes the link types and oddities the captures were made for', () => {
    const linkTypes = new Set(local.map((l) => readPcap(l.pcap).linkType));
    expect([...linkTypes].sort((a, b) => a - b)).toEqual([0, 1, 12, 14, 101, 108, 113, 228, 229, 276]);
    const mixed = readGolden(join(FIXTURES, 'veth-mixed.tsv'));
    expect(mixed.filter((r) => expectedStatus(r) === 'fragment').length).toBe(6);
    const snap = readGolden(join(FIXTURES, 'lo-snaplen.tsv'));
    expect(snap.some((r) => Number(r['frame.cap_len']) < Number(r['frame.len']))).toBe(true);
  });
});
