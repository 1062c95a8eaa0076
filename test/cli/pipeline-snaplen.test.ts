/**
 * The Pipeline hands each packet down whole (capture facts as one value): a snaplen-cut capture
 * (test/fixtures/net/lo-snaplen.pcap, `tcpdump -i lo -s 80`) keeps its IPv6 connection, whose
 * TCP options the snaplen cut, and says how many payload bytes the snaplen cost, frame by frame.
 * Expected values come from tshark's dissection of the same file (lo-snaplen.tsv beside it).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGolden } from '../net/golden.js';
import { analyse } from '../helpers/analyse.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'net');
const rows = readGolden(join(FIXTURES, 'lo-snaplen.tsv'));

/** Payload bytes the capture lost in a row: tcp.len minus what fits in frame.cap_len. */
function missing(r: Record<string, string>): number {
  const ipHeader = r['ip.src'] !== '' ? 20 : 40; // no IPv4 options / IPv6 extension headers here
  const kept = Number(r['frame.cap_len']) - 14 - ipHeader - Number(r['tcp.hdr_len']);
  return Number(r['tcp.len']) - Math.max(0, kept);
}

describe('Pipeline on a snaplen-truncated capture (lo-snaplen.pcap)', () => {
  it('no frame is counted malformed and both connections are there, IPv6 included', async () => {
    const a = await analyse(join(FIXTURES, 'lo-snaplen.pcap'), { all: true });
    expect(a.result.capture.packets).toBe(rows.length);
    expect([a.result.net.tcp, a.result.net.malformed], a.result.net.malformedMessages.join('; ')).toEqual([rows.length, 0]);
    expect(a.result.captureWarnings).toEqual([]);
    const conns = a.connections.map((c) => ({ client: c.client, server: c.server, first: c.firstFrame, last: c.lastFrame }));
    const v4 = rows.filter((r) => r['ip.src'] !== '');
    const v6 = rows.filter((r) => r['ipv6.src'] !== '');
    expect(conns).toEqual([
      { client: { ip: v4[0]!['ip.src'], port: Number(v4[0]!['tcp.srcport']) }, server: { ip: v4[0]!['ip.dst'], port: Number(v4[0]!['tcp.dstport']) }, first: 1, last: v4.length },
      { client: { ip: v6[0]!['ipv6.src'], port: Number(v6[0]!['tcp.srcport']) }, server: { ip: v6[0]!['ipv6.dst'], port: Number(v6[0]!['tcp.dstport']) }, first: v4.length + 1, last: rows.length },
    ]);
  });

  it('each connection warns "payload bytes not captured (snaplen)" for its cut frames', async () => {
    const a = await analyse(join(FIXTURES, 'lo-snaplen.pcap'), { all: true });
    const expected = (v6: boolean) => rows
      .filter((r) => (r['ipv6.src'] !== '') === v6 && Number(r['tcp.len']) > 0 && missing(r) > 0)
      .map((r) => ({
        code: 'tcp-payload-truncated',
        message: `frame ${r['frame.number']}: ${missing(r)} of ${r['tcp.len']} payload bytes not captured (snaplen)`,
        frame: Number(r['frame.number']),
      }));
    expect(expected(false)).toHaveLength(2);
    expect(a.connections[0]!.warnings.map(({ code, message, frame }) => ({ code, message, frame }))).toEqual(expected(false));
    expect(a.connections[1]!.warnings.map(({ code, message, frame }) => ({ code, message, frame }))).toEqual(expected(true));
  });
});
