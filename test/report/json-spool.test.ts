import { describe, expect, it } from 'vitest';
import { ConnectionJsonSpool, unwritten } from '../../src/report/json-spool.js';
import { JsonReport, renderJsonReport } from '../../src/report/json.js';
import { reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { ConnectionModel, ReportModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';

// Expected text: the report rendered in one go from the sorted connections.
const pretty = (r: ReportModel): string => renderJsonReport(r, { pretty: true, details: false });

async function realReport(): Promise<ReportModel> {
  const a = await analyse('captures/all-scenarios.pcap', { keylog: 'captures/all-scenarios.keys' });
  return reportModel(sourceModel(a.result, 'x', 18), a.connections, a.result.analyzer.summary());
}

/** The CLI's way: connections rendered as they arrive, kept in the spool, written in id order. */
function spoolText(r: ReportModel, memoryLimit: number, arrival: ConnectionModel[], dir?: string): { text: string; spool: ConnectionJsonSpool } {
  const w = new JsonReport({ pretty: true, details: false });
  const spool = new ConnectionJsonSpool({ memoryLimit, dir, render: (c) => w.connectionPiece(c) });
  for (const c of arrival) spool.add(c);
  const out = [...w.pieces({ ...r, connections: [] }, spool.pieces())].map((p) => (typeof p === 'string' ? p : p.toString('utf8')));
  w.close();
  return { text: out.join(''), spool };
}

describe('ConnectionJsonSpool: connections kept as text, handed out in id order', () => {
  it.each([
    ['in memory', 1 << 30],
    ['spilled to a temporary file from the first connection', 0],
    ['spilled after a few connections', 40_000],
  ])('%s: the report equals the one rendered from the sorted connections', async (_name, memoryLimit) => {
    const r = await realReport();
    expect(r.connections.length).toBe(6);
    // arrival out of id order, as connections finish
    const arrival = [r.connections[3]!, r.connections[0]!, r.connections[5]!, r.connections[1]!, r.connections[4]!, r.connections[2]!];
    const { text, spool } = spoolText(r, memoryLimit, arrival);
    expect(text).toBe(pretty(r));
    expect(JSON.parse(text).connections.map((c: { id: number }) => c.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(spool.count).toBe(6);
    expect(spool.spilled).toBe(memoryLimit < 1 << 30);
    spool.close();
    expect(spool.count).toBe(0);
  });

  it('a second pass over the pieces gives the same text (the file is read, not consumed)', async () => {
    const r = await realReport();
    const spool = new ConnectionJsonSpool({ memoryLimit: 0 });
    for (const c of r.connections) spool.add(c);
    const a = [...spool.pieces()].map((b) => b.toString('utf8')).join('|');
    const b = [...spool.pieces()].map((x) => x.toString('utf8')).join('|');
    expect(a).toBe(b);
    expect(a.split('|').length).toBe(6);
    spool.close();
  });

  it('no usable temporary directory: the pieces stay in memory and the report is still right', async () => {
    const r = await realReport();
    const { text, spool } = spoolText(r, 0, [...r.connections].reverse(), '/nonexistent/tls-inspect-test-dir');
    expect(text).toBe(pretty(r));
    expect(spool.spilled).toBe(false);
    spool.close();
  });

  it('equal ids keep their arrival order; non-ASCII text survives the file', () => {
    const mk = (id: number, note: string) => ({ id, note }) as unknown as ConnectionModel;
    const spool = new ConnectionJsonSpool({ memoryLimit: 0 });
    for (const c of [mk(2, 'b'), mk(1, '§ — ✓ first'), mk(1, 'second'), mk(0, 'z')]) spool.add(c);
    const notes = [...spool.pieces()].map((b) => (JSON.parse(b.toString('utf8')) as { note: string }).note);
    expect(notes).toEqual(['z', '§ — ✓ first', 'second', 'b']);
    spool.close();
  });
});

describe('ConnectionJsonSpool with many connections: batched writes to the file', () => {
  it('3000 connections of ~1 KB, spilled after 100 KB: every piece comes back, in id order', () => {
    const spool = new ConnectionJsonSpool({ memoryLimit: 100_000 });
    const ids = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3000); // a permutation
    for (const id of ids) spool.add({ id, pad: 'x'.repeat(1000 + (id % 13)) } as unknown as ConnectionModel);
    expect(spool.spilled).toBe(true);
    const back = [...spool.pieces()].map((b) => JSON.parse(b.toString('utf8')) as { id: number; pad: string });
    expect(back.map((c) => c.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(back.every((c) => c.pad.length === 1000 + (c.id % 13))).toBe(true);
    spool.close();
  });
});

describe('unwritten: what a partial writev leaves', () => {
  const b = (s: string) => Buffer.from(s);
  it.each([
    [0, ['abc', 'de', 'f']],
    [1, ['bc', 'de', 'f']],
    [3, ['de', 'f']],
    [4, ['e', 'f']],
    [5, ['f']],
    [6, []],
  ])('after %i bytes', (n, rest) => {
    expect(unwritten([b('abc'), b('de'), b('f')], n).map((x) => x.toString())).toEqual(rest);
  });
});

describe('ConnectionJsonSpool.addText and piecesAt', () => {
  it('texts added under an index come back in any order asked for, in memory and spilled', () => {
    for (const memoryLimit of [1 << 30, 0]) {
      const spool = new ConnectionJsonSpool({ memoryLimit });
      ['zero', 'one §', 'two'].forEach((t, i) => spool.addText(i, t));
      expect([...spool.piecesAt([2, 0, 1])].map((b) => b.toString('utf8'))).toEqual(['two', 'zero', 'one §']);
      expect(spool.spilled).toBe(memoryLimit === 0);
      spool.close();
    }
  });
});
