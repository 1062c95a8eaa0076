/** Reads the tshark golden files made by test/fixtures/net/regenerate.sh. */
import { readFileSync } from 'node:fs';
import type { DecodeStatus } from '../../src/net/types.js';

export type GoldenRow = Record<string, string>;

export function readGolden(path: string): GoldenRow[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    const row: GoldenRow = {};
    header.forEach((name, i) => (row[name] = cells[i] ?? ''));
    return row;
  });
}

/** The status tshark's dissection implies (IP reassembly was off when the file was made). */
export function expectedStatus(row: GoldenRow): DecodeStatus {
  const nonZero = (field: string): boolean => (row[field] ?? '') !== '' && row[field] !== '0';
  const v4Fragment = row['ip.flags.mf'] === '1' || nonZero('ip.frag_offset');
  const v6Fragment = row['ipv6.fraghdr.more'] === '1' || nonZero('ipv6.fraghdr.offset');
  if (v4Fragment || v6Fragment) return 'fragment';
  return row['tcp.srcport'] !== '' ? 'tcp' : 'not-tcp';
}

/** What a not-TCP frame carried, named like NetStats does, from tshark's frame.protocols. */
export function expectedKind(row: GoldenRow): string {
  const layers = row['frame.protocols']!.split(':');
  const ip = layers.findIndex((l) => l === 'ip' || l === 'ipv6');
  if (ip < 0) {
    const names: Record<string, string> = { arp: 'ARP', lldp: 'LLDP' };
    const last = layers.filter((l) => l !== 'eth' && l !== 'ethertype' && l !== 'vlan')[0] ?? '?';
    return names[last] ?? last;
  }
  const next = layers.slice(ip + 1).find((l) => !l.startsWith('ipv6.')) ?? '?';
  const names: Record<string, string> = { udp: 'UDP', icmp: 'ICMP', icmpv6: 'ICMPv6' };
  return names[next] ?? next;
}
