/**
 * Real files written by real tools, checked against values printed by tshark 4.0.17 (literals below,
 * so the tests need no tshark):
 *   capinfos -c F; tshark -r F -T fields -e frame.cap_len -e frame.len -e frame.time_epoch
 *   tshark -r F -T fields -e frame.number -e frame.interface_id -e frame.time_epoch -e frame.cap_len
 * Fixtures in test/fixtures/capture/:
 *   lo-nano.pcap       tcpdump -i lo --time-stamp-precision nano (nanosecond pcap, Ethernet)
 *   any-usec.pcap      tcpdump -i any (microsecond pcap, LINKTYPE_LINUX_SLL2 = 276)
 *   merged-dsb.pcapng  mergecap -F pcapng lo-nano.pcap any-usec.pcap, then
 *                      editcap --inject-secrets tls,keylog.txt (2 IDBs: tsresol 9 and 6, one DSB)
 *   tls13-psk.pcapng   editcap -F pcapng of test/fixtures/zeek/tls13_psk_succesfull.pcap
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/open.js';
import { record } from './builders.js';

const CORPUS = join(import.meta.dirname, '../fixtures/zeek');
const FIXTURES = join(import.meta.dirname, '../fixtures/capture');

/** file -> [packets (capinfos -c), sum of frame.cap_len, first frame.time_epoch] */
const corpus: Record<string, [number, number, string]> = {
  'certificate-request-failed.pcap': [12, 5139, '1677605225.547927000'],
  'client-certificate.pcap': [31, 15862, '1677601192.606743000'],
  'dhe.pcap': [24, 6521, '1398558136.187348000'],
  'ecdsa-cert.pcap': [15, 3974, '1416942644.428968000'],
  'google-duplicate.pcap': [46, 13362, '1394747126.848519000'],
  'hrr.pcap': [19, 3960, '1556554522.001362000'],
  'missing-intermediate.pcap': [50, 12625, '1417039703.220765000'],
  'smtp-starttls.pcap': [37, 8077, '1400168396.806011000'],
  'ssl-v2.pcap': [25, 3484, '1397165496.274611000'],
  'tls-1.2-handshake-failure.pcap': [11, 931, '1393957586.776878000'],
  'tls-early-alert.pcap': [17, 7913, '1445545869.533041000'],
  'tls-expired-cert.pcap': [49, 13246, '1394745602.791602000'],
  'tls-fragmented-handshake.pcap': [416, 367841, '1426117218.064063000'],
  'tls13_psk_succesfull.pcap': [20, 2416, '1555610808.349181000'],
  'tls1_1.pcap': [23, 6588, '1512072318.401739000'],
};

function epoch(p: { tsSec: number; tsNsec: number }): string {
  return `${p.tsSec}.${String(p.tsNsec).padStart(9, '0')}`;
}

describe('the zeek corpus gives the packet counts of capinfos', () => {
  it('every corpus pcap has an expected count below', () => {
    expect(readdirSync(CORPUS).filter((n) => n.endsWith('.pcap')).sort()).toEqual(Object.keys(corpus).sort());
  });

  for (const [name, [count, capBytes, first]] of Object.entries(corpus)) {
    it(name, async () => {
      const r = await record(await openCaptureFile(join(CORPUS, name)));
      expect(r.warnings).toEqual([]);
      expect(r.summary.packets).toBe(count);
      expect(r.packets.reduce((n, p) => n + p.length, 0)).toBe(capBytes);
      expect(epoch(r.packets[0]!)).toBe(first);
      expect(r.summary.linkTypes).toEqual([1]);
    });
  }
});

/** tshark -r merged-dsb.pcapng -T fields -e frame.number -e frame.interface_id -e frame.time_epoch -e frame.cap_len */
const merged: Array<[number, number, string, number]> = [
  [1, 0, '1795474250.300682797', 74], [2, 0, '1795474250.300697474', 74], [3, 0, '1795474250.300713755', 66],
  [4, 0, '1795474250.306522715', 83], [5, 0, '1795474250.306537743', 66], [6, 0, '1795474250.307755263', 88],
  [7, 0, '1795474250.307763068', 66], [8, 0, '1795474250.358195780', 66], [9, 0, '1795474250.359182670', 66],
  [10, 0, '1795474250.359201987', 66], [11, 1, '1795474250.499517000', 80], [12, 1, '1795474250.499534000', 80],
  [13, 1, '1795474250.499554000', 72], [14, 1, '1795474250.501818000', 89], [15, 1, '1795474250.501831000', 72],
  [16, 1, '1795474250.503646000', 94], [17, 1, '1795474250.503659000', 72], [18, 1, '1795474250.554312000', 72],
  [19, 1, '1795474250.555220000', 72], [20, 1, '1795474250.555242000', 72],
];

describe('fixtures written by tcpdump, mergecap and editcap', () => {
  it('lo-nano.pcap: nanosecond pcap from tcpdump, timestamps exact to the ns', async () => {
    const r = await record(await openCaptureFile(join(FIXTURES, 'lo-nano.pcap')));
    expect(r.warnings).toEqual([]);
    expect(r.packets.map((p) => [p.frame, epoch(p), p.length, p.linkType])).toEqual(
      merged.slice(0, 10).map(([n, , t, len]) => [n, t, len, 1]),
    );
    // Frame 4 carries the client's 17 bytes after 14 + 20 + 32 bytes of headers.
    expect(Buffer.from(r.packets[3]!.hex, 'hex').subarray(66).toString()).toBe('hello tls-inspect');
  });

  it('any-usec.pcap: Linux SLL2 microsecond pcap', async () => {
    const r = await record(await openCaptureFile(join(FIXTURES, 'any-usec.pcap')));
    expect(r.packets.map((p) => [epoch(p), p.length, p.linkType])).toEqual(
      merged.slice(10).map(([, , t, len]) => [t, len, 276]),
    );
  });

  it('merged-dsb.pcapng: two interfaces (Ethernet ns, SLL2 us) and a TLS key log DSB', async () => {
    const r = await record(await openCaptureFile(join(FIXTURES, 'merged-dsb.pcapng')));
    expect(r.warnings).toEqual([]);
    expect(r.packets.map((p) => [p.frame, p.interfaceId, epoch(p), p.length])).toEqual(merged);
    expect(r.summary).toMatchObject({ kind: 'pcapng', packets: 20, linkTypes: [1, 276], truncatedPackets: 0 });
    expect(r.secrets).toHaveLength(1);
    const s = r.secrets[0]!;
    // editcap writes the DSB right after the 136-byte SHB (xxd: "0a00 0000 9801 0000 4b53 4c54 8401 0000").
    expect([s.secretsType, s.afterFrame, s.offset]).toEqual([0x544c534b, 0, 136]);
    expect(Buffer.from(s.data).equals(readFileSync(join(FIXTURES, 'keylog.txt')))).toBe(true);
  });

  it('tls13-psk.pcapng: editcap conversion reads like the original pcap', async () => {
    const ng = await record(await openCaptureFile(join(FIXTURES, 'tls13-psk.pcapng')));
    const pcap = await record(await openCaptureFile(join(CORPUS, 'tls13_psk_succesfull.pcap')));
    expect(ng.summary.packets).toBe(20);
    expect(ng.packets).toEqual(pcap.packets);
  });
});
