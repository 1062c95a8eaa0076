import { describe, expect, it } from 'vitest';
import { JsonReport, renderJsonReport, utf8Batches } from '../../src/report/json.js';
import { escapeJsonText, safeJson } from '../../src/report/json-escape.js';
import { JsonlReport } from '../../src/report/jsonl.js';
import { DIAGNOSIS_CATALOGUE } from '../../src/analysis/diagnosis-catalogue.js';
import { JsonlCertificates } from '../../src/report/json-certificates.js';
import { reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { CertificateModel, ConnectionModel, ReportModel, SummaryModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';

// The expected text always comes from JSON.stringify of the parsed report itself: the pieces must
// add up to it exactly (captures without DEL/C1/bidi characters, so no escaping is involved).
const joined = (it: Iterable<string | Uint8Array>): string => [...it].map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join('');

async function realReport(capture: string, keylog?: string): Promise<ReportModel> {
  const a = await analyse(capture, keylog ? { keylog } : {});
  const src = sourceModel(a.result, capture, keylog ? a.keys.secretCount() : undefined);
  return reportModel(src, a.connections, a.result.analyzer.summary());
}

describe('JsonReport.pieces: the report in pieces, byte for byte JSON.stringify of its value', () => {
  it.each([
    ['captures/all-scenarios.pcap', 'captures/all-scenarios.keys'],
    ['captures/all-scenarios.pcap', undefined],
    ['captures/tls13-hrr.pcap', 'captures/tls13-hrr.keys'],
    ['captures/lossy-mtls.pcap', undefined],
    ['test/fixtures/zeek/ssl-v2.pcap', undefined],
  ])('real report of %s (keys %s)', async (capture, keylog) => {
    const r = await realReport(capture, keylog);
    expect(r.connections.length).toBeGreaterThan(0);
    for (const pretty of [false, true]) {
      const w = new JsonReport({ pretty, details: true });
      const pieces = [...w.pieces(r)];
      const text = joined(pieces);
      const value = JSON.parse(text);
      expect(text).toBe(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
      expect(value.connections.length).toBe(r.connections.length);
      w.close();
    }
  });

  it('connections given as pieces (arriving out of order, ordered by the caller) give the same report', async () => {
    const r = await realReport('captures/all-scenarios.pcap', 'captures/all-scenarios.keys');
    for (const pretty of [false, true]) {
      const expected = renderJsonReport(r, { pretty, details: false });
      const w = new JsonReport({ pretty, details: false });
      const byId = new Map([...r.connections].reverse().map((c) => [c.id, w.connectionPiece(c)]));
      const pieces = r.connections.map((c) => Buffer.from(byId.get(c.id)!));
      expect(joined(w.pieces({ ...r, connections: [] }, pieces))).toBe(expected);
      w.close();
    }
  });

  it('certificate texts spilled to a temporary file give the same report', async () => {
    const r = await realReport('captures/all-scenarios.pcap', 'captures/all-scenarios.keys');
    const w = new JsonReport({ pretty: true, details: false, spool: { memoryLimit: 0 } });
    expect(joined(w.pieces(r))).toBe(renderJsonReport(r, { pretty: true, details: false }));
    expect(w.certificates.size).toBeGreaterThan(2);
    w.close();
  });

  const tiny = (connections: unknown[]): ReportModel =>
    ({
      schemaVersion: 2,
      tool: { name: 'tls-inspect', version: '0.0.0' },
      source: { kind: 'pcap', packets: 0, bytes: 24, linkTypes: [], warnings: [], skipped: {} },
      catalogue: {},
      connections,
      summary: { connections: 0, failingPairs: [], alerts: {} },
    }) as unknown as ReportModel;

  it('no connections: empty certificates, catalogue and connections', () => {
    for (const pretty of [false, true]) {
      const text = renderJsonReport(tiny([]), { pretty, details: false });
      const value = JSON.parse(text);
      expect(text).toBe(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
      expect(value).toMatchObject({ schemaVersion: 2, certificates: {}, catalogue: {}, connections: [] });
    }
    expect(renderJsonReport(tiny([]), { pretty: true, details: false })).toContain('"connections": [],\n');
  });

  it('DEL, C1 controls and bidi overrides are \\u escapes in every piece; the value is unchanged', async () => {
    const r = await realReport('captures/all-scenarios.pcap');
    const name = 'a\u202eb\u0085c\u007fd\u2028e';
    const evil = { ...r.connections[0]!, serverName: name } as ConnectionModel;
    const report = { ...r, connections: [evil, ...r.connections.slice(1)] };
    for (const pretty of [false, true]) {
      const text = renderJsonReport(report, { pretty, details: false });
      expect(text).toContain('a\\u202eb\\u0085c\\u007fd\\u2028e');
      expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2028]/);
      expect(JSON.parse(text).connections[0].serverName).toBe(name);
    }
  });
});

describe('escapeJsonText / safeJson', () => {
  it('leaves text without unsafe characters as it is (the same string)', () => {
    const s = JSON.stringify({ a: 'plain § — ✓ text', b: [1, 2] });
    expect(escapeJsonText(s)).toBe(s);
  });

  it('escapes every DEL, C1, bidi and line/paragraph separator, and only those', () => {
    const unsafe = ['\u007f', '\u0080', '\u009f', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff'];
    const safe = ['\u00a0', '\u200d', '\u2027', '\u202f', '\u2065', '\u206a', '\ufefe', '§'];
    for (const c of unsafe) expect(safeJson(`x${c}y`)).toBe(`"x\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}y"`);
    for (const c of safe) expect(safeJson(`x${c}y`)).toBe(`"x${c}y"`);
    // twice in a row, after a match: the global expression's state does not leak between calls
    expect(safeJson(['\u202e', 'ok', '\u202e'])).toBe('["\\u202e","ok","\\u202e"]');
    expect(safeJson('\u202e')).toBe('"\\u202e"');
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

describe('catalogue: the generic text of each code once', () => {
  it('the JSONL summary line holds the catalogue entries of the summary\'s diagnosis codes, in catalogue order', () => {
    const j = new JsonlReport({ details: false }, { name: 'tls-inspect', version: 'x' });
    const summary = { connections: 3, diagnoses: { 'client-cert-unknown-ca': 2, 'client-cert-empty': 1 } } as unknown as SummaryModel;
    const line = JSON.parse(j.summaryLine({ kind: 'pcap', packets: 1, linkTypes: [1], warnings: [] }, summary));
    expect(Object.keys(line.catalogue)).toEqual(['client-cert-empty', 'client-cert-unknown-ca']);
    expect(line.catalogue['client-cert-unknown-ca']).toEqual(DIAGNOSIS_CATALOGUE['client-cert-unknown-ca']);
    expect(line.catalogue['client-cert-empty'].rfc).toMatch(/RFC \d+/);
  });
});

describe('JsonlCertificates: a line per certificate before its first reference, in bounded memory', () => {
  const cert = (i: number) => Object.freeze({ subject: `CN=c${i}`, issuer: 'CN=ca', notBefore: 'x', notAfter: 'y', sha256: i.toString(16).padStart(64, '0') }) as CertificateModel;

  it('once per SHA-256; after 100,000 distinct ones the set starts again (a line may repeat, never go missing)', () => {
    const j = new JsonlCertificates();
    const first = cert(0);
    expect(j.linesFor([first, first])).toBe(`{"record":"certificate",${JSON.stringify(first).slice(1)}\n`);
    expect(j.linesFor([first])).toBe('');
    for (let i = 1; i < 100_000; i++) j.linesFor([cert(i)]);
    expect(j.linesFor([first])).toBe('');
    // the 100,001st distinct certificate restarts the set: the first one is written again when used
    expect(j.linesFor([cert(100_000)])).toContain('CN=c100000');
    expect(j.linesFor([first])).toContain('"subject":"CN=c0"');
  });
});
