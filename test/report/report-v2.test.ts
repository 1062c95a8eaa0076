/**
 * Report v2 (schema/report.schema.json): every JSON and JSONL variant of every committed capture
 * (with its key log when there is one) and of the Zeek traces validates against the schema, and
 * the rules the schema cannot say hold: certificate references resolve, the catalogue has exactly
 * the codes used, JSONL record order, compact vs pretty, --details present/absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { renderReport, reportModel } from '../../src/cli/output.js';
import { sourceModel } from '../../src/cli/file-command.js';
import type { ReportModel } from '../../src/analysis/model.js';
import { analyse } from '../helpers/analyse.js';
import { REPO } from '../helpers/golden.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schema', 'report.schema.json'), 'utf8')));
const validateLine = ajv.getSchema('tls-inspect/report.schema.json#/$defs/jsonlLine')!;

const captures = (readdirSync(join(REPO, 'captures'), { recursive: true }) as string[])
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort()
  .map((f) => join('captures', f));
const zeek = readdirSync(join(REPO, 'test', 'fixtures', 'zeek'))
  .filter((f) => f.endsWith('.pcap'))
  .sort()
  .map((f) => join('test', 'fixtures', 'zeek', f));

async function report(capture: string): Promise<ReportModel> {
  const k = capture.replace(/\.pcap(ng)?$/, '.keys');
  const keylog = existsSync(join(REPO, k)) ? k : undefined;
  const a = await analyse(join(REPO, capture), keylog ? { keylog: join(REPO, keylog) } : {});
  const src = sourceModel(a.result, capture, keylog ? a.keys.secretCount() : undefined);
  return reportModel(src, a.connections, a.result.analyzer.summary());
}

type Json = Record<string, any>;
const SHA = /^[0-9a-f]{64}$/;

/** Every SHA-256 a connection refers to. */
function refsOf(c: Json): string[] {
  const out: string[] = [...(c.serverCertificates ?? []), ...(c.clientCertificate.chain ?? [])];
  for (const e of c.events) out.push(...(e.certificates ?? []));
  for (const s of out) expect(s).toMatch(SHA);
  return out;
}

/** An independent copy of the terminal-safe escaping, to rebuild the expected text from the value. */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const escaped = (s: string): string => s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function checkDetails(connections: Json[], details: boolean, model: ReportModel): void {
  const decoded = model.connections.some((c) => c.events.some((e) => e.details !== undefined));
  const withDetails = connections.some((c) => c.events.some((e: Json) => 'details' in e));
  expect(withDetails).toBe(details && decoded);
  for (const c of connections) {
    expect('alerts' in c).toBe(false);
    if (!details) {
      expect('fingerprints' in c).toBe(false);
      expect('sentence' in c.clientCertificate).toBe(false);
      for (const e of c.events) for (const k of ['details', 'time', 'relTime', 'reason', 'certificateAuthorities', 'application']) expect(k in e).toBe(false);
    }
  }
  // the model's facts are all there: one event per model event, with its frame and type
  expect(connections.map((c) => c.events.map((e: Json) => `${e.frame} ${e.type}`))).toEqual(model.connections.map((c) => c.events.map((e) => `${e.frame} ${e.type}`)));
}

function checkReport(text: string, pretty: boolean, details: boolean, model: ReportModel): Json {
  const r = JSON.parse(text) as Json;
  expect(validateReport(r), JSON.stringify(validateReport.errors?.slice(0, 5))).toBe(true);
  expect(r.schemaVersion).toBe(2);
  // compact is one line; pretty is JSON.stringify(value, null, 2); both end with a newline
  expect(text).toBe(`${escaped(pretty ? JSON.stringify(r, null, 2) : JSON.stringify(r))}\n`);
  expect(Object.keys(r)).toEqual(['schemaVersion', 'tool', 'source', 'certificates', 'catalogue', 'connections', 'summary']);
  // certificate references resolve, and the table holds nothing else
  const used = new Set(r.connections.flatMap(refsOf));
  expect(new Set(Object.keys(r.certificates))).toEqual(used);
  for (const [sha, cert] of Object.entries(r.certificates as Json)) expect(cert.sha256).toBe(sha);
  // the catalogue has every used code and only those; diagnoses carry no generic text
  const codes = new Set<string>(r.connections.flatMap((c: Json) => c.diagnoses.map((d: Json) => d.code)));
  expect(new Set(Object.keys(r.catalogue))).toEqual(codes);
  for (const c of r.connections) for (const d of c.diagnoses) expect(Object.keys(d).filter((k) => k === 'explanation' || k === 'fix')).toEqual([]);
  for (const e of Object.values(r.catalogue as Json)) expect(e.explanation.length).toBeGreaterThan(0);
  checkDetails(r.connections, details, model);
  expect(r.connections.map((c: Json) => c.id)).toEqual(model.connections.map((c) => c.id));
  return r;
}

function checkJsonl(text: string, details: boolean, model: ReportModel, json: Json): void {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const recs = lines.map((l) => JSON.parse(l) as Json);
  for (const [i, l] of recs.entries()) {
    expect(validateLine(l), `line ${i + 1}: ${JSON.stringify(validateLine.errors?.slice(0, 3))}`).toBe(true);
    expect(lines[i]).toBe(escaped(JSON.stringify(l)));
  }
  expect(recs[0]!.record).toBe('source');
  expect(recs[0]!.schemaVersion).toBe(2);
  expect(recs.at(-1)!.record).toBe('summary');
  expect(recs.filter((l) => l.record === 'source' || l.record === 'summary').length).toBe(2);
  // a certificate line comes before the first connection that refers to it, and only once
  const seen = new Set<string>();
  const conns: Json[] = [];
  for (const l of recs.slice(1, -1)) {
    if (l.record === 'certificate') {
      expect(seen.has(l.sha256)).toBe(false);
      seen.add(l.sha256);
      const { record: _r, ...cert } = l;
      expect(cert).toEqual(json.certificates[l.sha256]);
      continue;
    }
    expect(l.record).toBe('connection');
    for (const s of refsOf(l)) expect(seen.has(s), `certificate ${s} before connection ${l.id}`).toBe(true);
    const { record: _r, ...c } = l;
    conns.push(c);
  }
  // the same connections (and the same catalogue) as the JSON report
  expect(conns).toEqual(json.connections);
  expect(recs.at(-1)!.catalogue).toEqual(json.catalogue);
  expect(recs.at(-1)!.packets).toBe(model.source.packets);
  checkDetails(conns, details, model);
}

describe('report v2: every capture, every JSON variant, against schema/report.schema.json', () => {
  it('finds the captures', () => {
    expect(captures.length).toBeGreaterThan(90);
    expect(captures.filter((c) => c.startsWith('captures/quic/')).length).toBeGreaterThan(5);
    expect(zeek.length).toBeGreaterThan(10);
  });

  it.each([...captures, ...zeek])('%s', async (capture) => {
    const model = await report(capture);
    for (const details of [false, true]) {
      let compact: Json | undefined;
      for (const pretty of [false, true]) {
        const text = renderReport('json', model, false, {}, { pretty, details });
        const r = checkReport(text, pretty, details, model);
        if (compact) expect(r).toEqual(compact);
        compact = r;
      }
      checkJsonl(renderReport('jsonl', model, false, {}, { pretty: false, details }), details, model, compact!);
    }
  });

  it('a multi-connection Zeek trace shares certificates between connections', async () => {
    const model = await report('test/fixtures/zeek/missing-intermediate.pcap');
    const r = JSON.parse(renderReport('json', model, false, {}, { pretty: false, details: false }));
    expect(r.connections.length).toBe(3);
    const refs = r.connections.map((c: Json) => refsOf(c));
    expect(refs.flat().length).toBeGreaterThan(Object.keys(r.certificates).length);
    // the certificate objects are the model's, once each
    const models = new Map(model.connections.flatMap((c) => c.serverCertificates ?? []).map((m) => [m.sha256, m]));
    for (const [sha, m] of models) expect(r.certificates[sha]).toEqual(JSON.parse(JSON.stringify(m)));
  });
});
