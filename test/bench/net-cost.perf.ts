/**
 * Cost per packet of decodePacket and computeFlowKey over the real corpus frames. Not part of
 * `npm test` (timings are not assertions): npm run perf
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFlowKey, decodePacket, newFlowKey, newTcpSegment } from '../../src/net/index.js';
import { readPcap, type PcapFrame } from '../net/read-pcap.js';

const CORPUS = join(import.meta.dirname, '../fixtures/zeek');

describe('net stage cost per packet', () => {
  it('decodePacket and computeFlowKey', () => {
    const frames: PcapFrame[] = [];
    for (const f of readdirSync(CORPUS).filter((n) => n.endsWith('.pcap'))) frames.push(...readPcap(join(CORPUS, f)).frames);
    const seg = newTcpSegment();
    const key = newFlowKey();
    const rounds = Math.ceil(2_000_000 / frames.length);
    const time = (label: string, body: () => void): void => {
      body(); // warm-up
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) body();
      const ns = Number(process.hrtime.bigint() - t0) / (rounds * frames.length);
      console.log(`${label}: ${ns.toFixed(1)} ns/packet (${(1e3 / ns).toFixed(1)} M packets/s)`);
    };
    let tcp = 0;
    time('decodePacket', () => {
      for (const f of frames) if (decodePacket(1, f.data, seg, f.originalLength) === 'tcp') tcp++;
    });
    time('decodePacket + computeFlowKey', () => {
      for (const f of frames) if (decodePacket(1, f.data, seg, f.originalLength) === 'tcp') computeFlowKey(seg, key);
    });
    const keys = new Map<string, number>();
    time('decodePacket + computeFlowKey + Map lookup', () => {
      for (const f of frames) {
        if (decodePacket(1, f.data, seg, f.originalLength) !== 'tcp') continue;
        computeFlowKey(seg, key);
        keys.set(key.key, (keys.get(key.key) ?? 0) + 1);
      }
    });
    console.log(`${frames.length} frames, ${keys.size} connections`);
    expect(tcp).toBeGreaterThan(0);
  });
});
