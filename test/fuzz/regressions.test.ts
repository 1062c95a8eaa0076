/**
 * Regression tests for problems found by the fuzz and memory runs (issue 9). Each names the
 * input, what went wrong and where; none is skipped: a failure here is a bug in src/.
 */
import { describe, expect, it } from 'vitest';
import { probePipeline, probeReader } from './memory-probe.js';
import { Flow, cat, pcapFile, pcapngIdb, pcapngShb, record, u24 } from './wire.js';

const MB16 = 16 * 1024 * 1024;
const TEN = new Uint8Array(10).fill(0x41);
const SERVER = { ip: [10, 0, 0, 2] as [number, number, number, number], port: 443 };

describe('memory grows with declared lengths, not with bytes received', () => {
  it('pcapng block declaring exactly 16 MiB with 10 bytes behind it', async () => {
    const big = Buffer.alloc(8);
    big.writeUInt32LE(6, 0);
    big.writeUInt32LE(MB16, 4);
    const p = await probeReader([cat(pcapngShb(), pcapngIdb(), big, TEN)]);
    expect(p.warnings.join('\n')).toMatch(/truncated pcapng block at offset 48: 18 of 16777216 bytes present/);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('64 connections each declaring a 1 MiB - 1 handshake message with 6 bytes behind it', async () => {
    const frames: Uint8Array[] = [];
    const body = cat(Uint8Array.of(11), u24(0x0fffff), TEN.subarray(0, 6));
    for (let i = 0; i < 64; i++) {
      frames.push(...new Flow({ ip: [10, 0, 1, i], port: 40000 + i }, SERVER).handshake().send(true, record(22, body)).frames);
    }
    const p = await probePipeline([pcapFile(frames.map((data) => ({ data })))]);
    expect(p.peakMb).toBeLessThan(16);
  });
});
