import { describe, expect, it } from 'vitest';
import { connectionJsonPiece, reportJsonPieces, utf8Batches } from '../../src/report/json.js';
import { reportModel, safeJson } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { ConnectionModel, ReportModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';

// The expected text always comes from JSON.stringify itself: the pieces must add up to it exactly.
const pretty = (r: unknown): string => `${JSON.stringify(r, null, 2)}\n`;
const joined = (it: Iterable<string>): string => [...it].join('');

async function realReport(capture: string, keylog?: string): Promise<ReportModel> {
  const a = await analyse(capture, keylog ? { keylog } : {});
  const src = sourceModel(a.result, capture, keylog ? a.keys.secretCount() : undefined);
  return reportModel(src, a.connections, a.result.analyzer.summary());
}

describe('reportJsonPieces: the pretty report in pieces, byte for byte JSON.stringify(r, null, 2)', () => {
  it.each([
    ['captures/all-scenarios.pcap', 'captures/all-scenarios.keys'],
    ['captures/all-scenarios.pcap', undefined],
    ['captures/tls13-hrr.pcap', 'captures/tls13-hrr.keys'],
    ['captures/lossy-mtls.pcap', undefined],
    ['test/fixtures/zeek/ssl-v2.pcap', undefined],
  ])('real report of %s (keys %s)', async (capture, keylog) => {
    const r = await realReport(capture, keylog);
    expect(r.connections.length).toBeGreaterThan(0);
    const pieces = [...reportJsonPieces(r)];
    expect(pieces.join('')).toBe(pretty(r));
    // one piece per connection, plus the separators and the parts around them
    expect(pieces.length).toBe(2 * r.connections.length + 1);
  });

  it('connections given as pieces replace r.connections', async () => {
    const r = await realReport('captures/all-scenarios.pcap');
    const pieces = r.connections.map((c) => connectionJsonPiece(c));
    expect(joined(reportJsonPieces({ ...r, connections: [] }, pieces))).toBe(pretty(r));
  });

  const tiny = (connections: unknown[]): ReportModel =>
    ({
      schemaVersion: 1,
      tool: { name: 'tls-inspect', version: '0.0.0' },
      source: { kind: 'pcap', packets: 0, bytes: 24, linkTypes: [], warnings: [], skipped: {} },
      connections,
      summary: { connections: 0, failingPairs: [], alerts: {} },
    }) as unknown as ReportModel;

  it('no connections: an empty array, like JSON.stringify', () => {
    const r = tiny([]);
    expect(joined(reportJsonPieces(r))).toBe(pretty(r));
    expect(joined(reportJsonPieces(r, []))).toBe(pretty(r));
    expect(pretty(r)).toContain('"connections": [],\n');
  });

  it('strings with newlines, quotes, non-Latin-1 text and undefined members', () => {
    const c = {
      id: 1,
      note: 'line1\nline2 "quoted" \\ § — ✓ \u2028',
      nested: { a: [], b: {}, c: [1, [2, { d: undefined, e: null }]] },
      gone: undefined,
    };
    const r = { ...tiny([c, { id: 2 }]), extra: undefined } as unknown as ReportModel;
    expect(joined(reportJsonPieces(r))).toBe(pretty(r));
    expect(joined(reportJsonPieces({ ...r, connections: [] }, [c, { id: 2 }].map((x) => connectionJsonPiece(x as unknown as ConnectionModel))))).toBe(
      pretty(r),
    );
  });

  it('an empty object report', () => {
    expect(joined(reportJsonPieces({} as ReportModel))).toBe(pretty({}));
  });
});

describe('utf8Batches: pieces joined into large UTF-8 buffers', () => {
  it('same bytes as the joined text, in buffers of at least the batch size but the last', () => {
    const pieces = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? Buffer.from(`§${i}—`) : `piece ${i} ✓\n`));
    const expected = Buffer.from(pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join(''));
    const batches = [...utf8Batches(pieces, 1000)];
    expect(Buffer.concat(batches).equals(expected)).toBe(true);
    expect(batches.slice(0, -1).every((x) => x.length >= 1000)).toBe(true);
    expect(batches.length).toBeGreaterThan(3);
    expect([...utf8Batches([])]).toEqual([]);
  });
});

describe('with the CLI\'s safeJson (DEL, C1 controls and bidi overrides escaped)', () => {
  it('pieces add up to safeJson(report, 2), and unsafe characters are escaped in every piece', async () => {
    const r = await realReport('captures/all-scenarios.pcap');
    const evil = { ...r.connections[0]!, serverName: 'a\u202eb\u0085c\u007fd\u2028e' } as ConnectionModel;
    const report = { ...r, connections: [evil, ...r.connections.slice(1)] };
    const expected = `${safeJson(report, 2)}\n`;
    expect(expected).toContain('a\\u202eb\\u0085c\\u007fd\\u2028e');
    expect(joined(reportJsonPieces(report, undefined, safeJson))).toBe(expected);
    const pieces = report.connections.map((c) => connectionJsonPiece(c, safeJson));
    expect(joined(reportJsonPieces({ ...report, connections: [] }, pieces, safeJson))).toBe(expected);
  });
});
