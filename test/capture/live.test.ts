/**
 * Live capture through cap. The capture tests run for real on `lo` with loopback TCP traffic made
 * here; they are skipped (with the reason printed) only when not root or when cap cannot be loaded.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  CAP_MISSING_MESSAGE, formatInterfaces, listInterfaces, loadCap, type CapModule,
} from '../../src/capture/cap-binding.js';
import { linkTypeFromCap, openLiveCapture } from '../../src/capture/live.js';
import { CaptureError, type CaptureWarning, type PacketSink } from '../../src/capture/types.js';

let capReason: string | null = null;
try {
  loadCap();
} catch (e) {
  capReason = (e as Error).message;
}
const skipReason = process.getuid?.() !== 0 ? 'not running as root' : capReason;
if (skipReason !== null) console.log(`skipping live capture tests: ${skipReason}`);

function errorOf(f: () => unknown): CaptureError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

describe('binding and interface list (no privileges needed)', () => {
  it('a missing binding gives the install advice', () => {
    expect(errorOf(() => loadCap('cap-binding-that-does-not-exist')).message).toBe(CAP_MISSING_MESSAGE);
    expect(CAP_MISSING_MESSAGE).toBe(
      'live capture needs the libpcap binding (npm package "cap"): run apt-get install libpcap-dev && npm rebuild cap',
    );
  });

  it('link type names returned by cap map to LINKTYPE_* values', () => {
    expect(['ETHERNET', 'LINKTYPE_LINUX_SLL', 'RAW', 'NULL', 'IEEE802_11_RADIO'].map(linkTypeFromCap)).toEqual([1, 113, 101, 0, 127]);
    expect(linkTypeFromCap('Unknown linktype 276')).toBe(276);
    expect(linkTypeFromCap('Unknown linktype 12')).toBe(101);
    expect(linkTypeFromCap('something else')).toBeNull();
  });

  it('interfaces from a device list, printed like tshark -D', () => {
    const fake = {
      Cap: Object.assign(function () {}, {
        deviceList: () => [
          { name: 'eth0', addresses: [{ addr: '192.0.2.2', netmask: '255.255.255.0' }, { addr: 'fe80::1' }] },
          { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [] },
          { name: 'lo', addresses: [{ addr: '127.0.0.1' }], flags: 'PCAP_IF_LOOPBACK' },
        ],
      }),
    } as unknown as CapModule;
    const list = listInterfaces(fake);
    expect(list).toEqual([
      { name: 'eth0', addresses: ['192.0.2.2', 'fe80::1'], loopback: false },
      { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [], loopback: false },
      { name: 'lo', addresses: ['127.0.0.1'], loopback: true },
    ]);
    expect(formatInterfaces(list)).toBe(
      '1. eth0  [192.0.2.2, fe80::1]\n2. any (Pseudo-device that captures on all interfaces)\n3. lo (Loopback)  [127.0.0.1]',
    );
  });
});

/** A TCP echo exchange on 127.0.0.1; resolves once the client has seen the echo and both closed. */
async function loopbackExchange(port: number, message: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(message));
    c.on('data', () => c.end());
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}

async function echoServer(): Promise<net.Server> {
  const srv = net.createServer((s) => s.on('data', (d) => s.end(d)));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe.skipIf(skipReason !== null)('live capture on lo (root)', () => {
  it('lists lo as a loopback interface with 127.0.0.1', () => {
    const lo = listInterfaces().find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ loopback: true });
    expect(lo!.addresses).toContain('127.0.0.1');
  });

  it('captures a loopback TCP exchange, copying each packet out of the shared buffer', async () => {
    const srv = await echoServer();
    const port = (srv.address() as net.AddressInfo).port;
    const src = openLiveCapture({ iface: 'lo', filter: `tcp port ${port}` });
    expect([src.kind, src.linkType]).toEqual(['live', 1]);
    const kept: Array<{ frame: number; data: Uint8Array; copy: string; tsSec: number; tsNsec: number; orig: number }> = [];
    const warnings: CaptureWarning[] = [];
    const sink: PacketSink = {
      packet(p) {
        kept.push({ frame: p.frame, data: p.data, copy: Buffer.from(p.data).toString('hex'), tsSec: p.tsSec, tsNsec: p.tsNsec, orig: p.originalLength });
      },
      secrets() {},
      warning(w) {
        warnings.push(w);
      },
    };
    const before = Date.now();
    const running = src.run(sink);
    try {
      await loopbackExchange(port, 'live capture test payload');
      // SYN, SYN-ACK, ACK, data, ack, echo, FINs...: at least 8 packets both ways.
      await until(() => kept.length >= 8 && kept.some((k) => Buffer.from(k.copy, 'hex').includes('live capture test payload')), 5000);
    } finally {
      src.stop();
      srv.close();
    }
    const summary = await running;
    const after = Date.now();
    expect(warnings).toEqual([]);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(summary).toMatchObject({ kind: 'live', packets: kept.length, linkTypes: [1], gzip: false, truncatedPackets: 0 });
    expect(kept.map((k) => k.frame)).toEqual(kept.map((_, i) => i + 1));
    // Views stay intact after later packets (cap reuses its buffer; the source must have copied).
    for (const k of kept) expect(Buffer.from(k.data).toString('hex')).toBe(k.copy);
    // Ethernet header on lo: zero MACs, EtherType IPv4; the SYN is the first packet (flags byte 0x02).
    const first = Buffer.from(kept[0]!.copy, 'hex');
    expect(first.readUInt16BE(12)).toBe(0x0800);
    expect(first[14 + 20 + 13]! & 0x12).toBe(0x02);
    for (const k of kept) {
      const ms = k.tsSec * 1000 + k.tsNsec / 1e6;
      expect(ms).toBeGreaterThanOrEqual(before - 5);
      expect(ms).toBeLessThanOrEqual(after + 5);
      expect(k.orig).toBe(k.data.length);
    }
    expect(src.stats()).toMatchObject({ received: kept.length, truncated: 0, dropped: null });
  });

  it('applies the snaplen: packets cut, wire length kept, counted as truncated', async () => {
    const srv = await echoServer();
    const port = (srv.address() as net.AddressInfo).port;
    const src = openLiveCapture({ iface: 'lo', filter: `tcp port ${port}`, snaplen: 54 });
    const seen: Array<[number, number]> = [];
    const running = src.run({ packet: (p) => void seen.push([p.data.length, p.originalLength]), secrets() {}, warning() {} });
    try {
      await loopbackExchange(port, 'x'.repeat(500));
      await until(() => seen.some(([, o]) => o > 500), 5000);
    } finally {
      src.stop();
      srv.close();
    }
    const summary = await running;
    expect(seen.every(([len]) => len <= 54)).toBe(true);
    // The data packet: 14 + 20 + 32 (TCP with timestamps) + 500 bytes on the wire.
    expect(seen.some(([len, orig]) => len === 54 && orig === 566)).toBe(true);
    expect(summary.truncatedPackets).toBe(seen.filter(([len, orig]) => orig > len).length);
    expect(summary.truncatedPackets).toBeGreaterThan(0);
  });

  it('packets arriving before run() are queued, and stop() before run() still delivers them', async () => {
    const srv = await echoServer();
    const port = (srv.address() as net.AddressInfo).port;
    const src = openLiveCapture({ iface: 'lo', filter: `tcp port ${port}` });
    await loopbackExchange(port, 'early');
    await until(() => src.stats().received >= 6, 5000);
    src.stop();
    srv.close();
    let n = 0;
    const summary = await src.run({ packet: () => void n++, secrets() {}, warning() {} });
    expect(n).toBeGreaterThanOrEqual(6);
    expect(summary.packets).toBe(n);
  });

  it('an unknown interface names the available ones', () => {
    const err = errorOf(() => openLiveCapture({ iface: 'nosuch0' }));
    expect(err.message).toMatch(/^no such interface: nosuch0 \(available: .*\blo\b.*\)$/);
  });

  it('an invalid filter includes the message of libpcap', () => {
    const err = errorOf(() => openLiveCapture({ iface: 'lo', filter: 'tcp and and' }));
    expect(err.message).toBe('invalid capture filter "tcp and and": can\'t parse filter expression: syntax error');
  });

  it('rejects an invalid snaplen or buffer size', () => {
    expect(errorOf(() => openLiveCapture({ iface: 'lo', snaplen: 0 })).message).toBe('invalid snaplen 0: expected an integer from 1 to 2147483647');
    expect(errorOf(() => openLiveCapture({ iface: 'lo', bufferSize: 1.5 })).message).toMatch(/^invalid buffer size 1.5/);
  });
});
