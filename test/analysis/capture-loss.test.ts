/**
 * Issue 19: lost bytes never turn into a guessed rejection, and loss reaches the summary; the
 * pcapng reader hands Interface Statistics Blocks (dumpcap's drop counters) to the sink.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { verdictOf } from '../../src/analysis/build-connection.js';
import type { ConnectionModel, DiagnosisModel } from '../../src/analysis/model.js';
import { openCaptureStream, type InterfaceStatistics } from '../../src/capture/index.js';
import { parseStderrStats } from '../../src/capture/external.js';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';
import { block, endOfOptions, i64, idb, isb, option, shb, u32 } from '../capture/builders.js';

function model(diagnoses: Partial<DiagnosisModel>[], gaps: number, fatalAlert = false): ConnectionModel {
  return {
    isTls: true,
    established: false,
    diagnoses: diagnoses.map((d) => ({ summary: '', evidenceFrames: [], severity: 'error', code: 'x', ...d })),
    alerts: fatalAlert ? [{ level: 'fatal', code: 48 }] : [],
    clientCertificate: { status: 'unknown' },
    tcp: { gaps: { clientToServer: gaps, serverToClient: 0 } },
  } as unknown as ConnectionModel;
}

describe('verdict of a connection whose bytes were lost', () => {
  it('an inferred error with a capture gap is incomplete, not failed', () => {
    expect(verdictOf(model([{ code: 'client-cert-required', inferred: true }, { code: 'capture-gap', severity: 'warning' }], 1))).toBe('incomplete');
  });
  it('the same inferred error without a gap stays failed', () => {
    expect(verdictOf(model([{ code: 'client-cert-required', inferred: true }], 0))).toBe('failed');
  });
  it('a gap does not hide facts: a decoded fatal alert or a non-inferred error is still failed', () => {
    expect(verdictOf(model([{ code: 'client-cert-required', inferred: true }], 1, true))).toBe('failed');
    expect(verdictOf(model([{ code: 'client-cert-unknown-ca' }], 1))).toBe('failed');
  });
});

describe('connectionsWithGaps in the summary', () => {
  it('gap-mtls (one connection, one hole) counts 1; all-scenarios counts 0', async () => {
    const gap = await analyse(join(REPO, 'captures', 'gap-mtls.pcap'), { keylog: join(REPO, 'captures', 'gap-mtls.keys'), all: false });
    expect(gap.result.analyzer.summary().connectionsWithGaps).toBe(1);
    const clean = await analyse(join(REPO, 'captures', 'all-scenarios.pcap'), { all: false });
    expect(clean.result.analyzer.summary().connectionsWithGaps).toBe(0);
  });
});

describe('pcapng Interface Statistics Blocks', () => {
  async function statsOf(buf: Buffer): Promise<{ stats: InterfaceStatistics[]; warnings: string[] }> {
    const src = await openCaptureStream(Readable.from([buf]), 'test');
    const stats: InterfaceStatistics[] = [];
    const warnings: string[] = [];
    await src.run({ packet() {}, secrets() {}, warning: (w) => warnings.push(w.message), interfaceStats: (s) => stats.push(s) });
    return { stats, warnings };
  }
  for (const le of [true, false]) {
    it(`isb_ifrecv / isb_ifdrop / isb_osdrop reach the sink (${le ? 'little' : 'big'} endian)`, async () => {
      const withOsdrop = block(5, Buffer.concat([
        u32(0, le), u32(0, le), u32(0, le),
        option(1, Buffer.from('Counters provided by dumpcap'), le),
        option(4, i64(5000n, le), le), option(5, i64(1234n, le), le), option(7, i64(9n, le), le), endOfOptions(le),
      ]), le);
      const file = Buffer.concat([shb(le), idb({ linkType: 1 }, le), isb(le, 0), withOsdrop]);
      const { stats, warnings } = await statsOf(file);
      expect(warnings).toEqual([]);
      expect(stats.map(({ interfaceId, received, ifDrop, osDrop }) => ({ interfaceId, received, ifDrop, osDrop }))).toEqual([
        { interfaceId: 0, received: 100, ifDrop: 3, osDrop: null },
        { interfaceId: 0, received: 5000, ifDrop: 1234, osDrop: 9 },
      ]);
    });
  }
  it('an option overrunning the block is a warning, and what came before it is kept', async () => {
    const le = true;
    const body = Buffer.concat([u32(0, le), u32(0, le), u32(0, le), option(5, i64(7n, le), le), Buffer.from([4, 0, 200, 0])]);
    const { stats, warnings } = await statsOf(Buffer.concat([shb(le), idb({ linkType: 1 }, le), block(5, body, le)]));
    expect(stats[0]!.ifDrop).toBe(7);
    expect(warnings).toEqual([expect.stringMatching(/interface statistics block at offset \d+: option 4 overruns the block/)]);
  });
});

describe("drop counts from the capture program's stderr", () => {
  it('tcpdump: the last summary wins; no "dropped by interface" line means 0', () => {
    const err = 'listening on lo\n10 packets captured\n12 packets received by filter\n0 packets dropped by kernel\n' +
      '900 packets captured\n1500 packets received by filter\n600 packets dropped by kernel\n';
    expect(parseStderrStats(err)).toEqual({ kernelDrops: 600, interfaceDrops: 0 });
    expect(parseStderrStats(`${err}3 packets dropped by interface\n`)).toEqual({ kernelDrops: 600, interfaceDrops: 3 });
  });
  it('dumpcap: ps_ifdrop from its summary line; nothing printed yet means unknown', () => {
    const err = "Packets received/dropped on interface 'Loopback: lo': 812/300 (pcap:300/dumpcap:0/flushed:0/ps_ifdrop:2) (73.0%)\n";
    expect(parseStderrStats(err)).toEqual({ kernelDrops: null, interfaceDrops: 2 });
    expect(parseStderrStats("Capturing on 'Loopback: lo'\n")).toEqual({ kernelDrops: null, interfaceDrops: null });
  });
});
