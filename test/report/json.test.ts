import { describe, expect, it } from 'vitest';
import { connectionJsonPiece, reportJsonPieces } from '../../src/report/json.js';
import { reportModel } from '../../src/cli/output.js';
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
    ['/work/shared/corpus/zeek/ssl-v2.pcap', undefined],
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
    const pieces = r.connections.map(connectionJsonPiece);
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
