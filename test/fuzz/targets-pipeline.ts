/**
 * Whole-pipeline fuzz target: a mutated capture file (and sometimes its key log) through
 * src/cli/pipeline.ts, then rendered in every report format. Besides "no throw, no hang" the
 * reports must stay terminal-safe whatever the damaged input carries.
 */
import { readFileSync } from 'node:fs';
import { openCaptureStream } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/types.js';
import { Pipeline } from '../../src/cli/pipeline.js';
import { sourceModel } from '../../src/cli/file-command.js';
import { renderReport, reportModel } from '../../src/cli/output.js';
import type { ConnectionModel, WarningModel } from '../../src/analysis/model.js';
import { WARNING_CATALOGUE } from '../../src/warning-codes.js';
import { KeyMaterial } from '../../src/tls/keys.js';
import { captureFiles, type CaptureFile } from './corpus.js';
import type { FuzzTarget } from './harness.js';
import { Rng, hexPreview, mutate } from './rng.js';
import { layout } from './layout.js';
import { chunks, streamOf } from './targets-capture.js';

/** Characters no report may contain raw (C0 but newline/tab, DEL, C1, bidi formatting). */
// eslint-disable-next-line no-control-regex
export const UNSAFE_OUTPUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export interface PipelineInput {
  seed: string;
  bytes: Uint8Array;
  sizes: number[];
  keys?: string;
  limits: { maxBufferedTotal?: number; maxConnections?: number };
  maxMessage: number;
}

export interface PipelineOutcome {
  connections: ConnectionModel[];
  warnings: WarningModel[];
  reports: Record<'text' | 'json' | 'markdown' | 'html', string>;
}

/** Runs the pipeline as `tls-inspect file` does (minus the CLI) and renders every format. */
export async function runPipeline(i: PipelineInput): Promise<PipelineOutcome | null> {
  let source;
  try {
    source = await openCaptureStream(streamOf(i.bytes, i.sizes), 'fuzz');
  } catch (err) {
    if (err instanceof CaptureError) return null;
    throw err;
  }
  const keys = new KeyMaterial();
  if (i.keys !== undefined) {
    keys.log.add(i.keys, 'fuzz.keys');
    keys.log.finish('fuzz.keys');
  }
  const connections: ConnectionModel[] = [];
  const pipeline = new Pipeline({
    limits: i.limits,
    keys,
    tls: { maxHandshakeMessage: i.maxMessage },
    analysis: { includeNonTls: true },
    onConnection: (c) => connections.push(c),
  });
  const res = await pipeline.run(source);
  const src = sourceModel(res, 'fuzz', keys.secretCount());
  const report = reportModel(src, connections, res.analyzer.summary());
  const reports = {
    text: renderReport('text', report, false),
    json: renderReport('json', report, false),
    markdown: renderReport('markdown', report, false),
    html: renderReport('html', report, false),
  };
  return { connections, warnings: src.warnings, reports };
}

/**
 * Mutates bytes inside packets only (past the Ethernet/IPv4/TCP headers when there is room), the
 * framing left intact: the damage reaches the TLS stage instead of stopping the capture reader.
 */
function mutatePayloads(rng: Rng, file: Uint8Array): Uint8Array {
  const out = file.slice();
  const units = layout(out).units.filter((u) => u.frame !== undefined);
  if (units.length === 0) return out;
  for (let n = 1 + rng.int(6); n > 0; n--) {
    const u = rng.pick(units);
    const dataStart = u.start + (file[0] === 0x0a ? 28 : 16);
    const from = Math.min(u.end - 1, dataStart + (rng.bool(0.8) ? 54 : 0));
    const at = from + rng.int(Math.max(1, u.end - from));
    const piece = mutate(rng, out.subarray(at, Math.min(u.end, at + 64)));
    out.set(piece.subarray(0, Math.min(piece.length, u.end - at)), at);
  }
  return out;
}

let seeds: CaptureFile[] | null = null;
const keyText = new Map<string, string>();

export const pipelineTarget: FuzzTarget<PipelineInput> = {
  name: 'pipeline',
  weight: 10,
  maxMs: 400,
  gen(rng) {
    seeds ??= captureFiles(30_000);
    const s = rng.pick(seeds);
    const bytes = rng.bool(0.5) ? mutatePayloads(rng, s.bytes) : mutate(rng, s.bytes, rng.bool(0.95) ? 4 : 0);
    let keys: string | undefined;
    if (s.keysPath !== undefined && rng.bool(0.7)) {
      if (!keyText.has(s.keysPath)) keyText.set(s.keysPath, readFileSync(s.keysPath, 'utf8'));
      const text = keyText.get(s.keysPath)!;
      keys = rng.bool(0.8) ? text : Buffer.from(mutate(rng, new TextEncoder().encode(text))).toString('latin1');
    }
    const limits: PipelineInput['limits'] = {};
    if (rng.bool(0.2)) limits.maxBufferedTotal = rng.int(50_000);
    if (rng.bool(0.2)) limits.maxConnections = 1 + rng.int(3);
    return { seed: s.name, bytes, sizes: chunks(rng, bytes), keys, limits, maxMessage: rng.pick([64, 1024, 1024 * 1024]) };
  },
  async check(i) {
    const out = await runPipeline(i);
    if (out === null) return;
    for (const [format, text] of Object.entries(out.reports)) {
      if (format === 'json') continue; // JSON escapes control characters itself
      const m = UNSAFE_OUTPUT.exec(text);
      if (m) throw new Error(`${format} report contains raw U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`);
    }
    JSON.parse(out.reports.json);
    for (const w of [...out.warnings, ...out.connections.flatMap((c) => c.warnings)]) {
      if (!(w.code in WARNING_CATALOGUE)) throw new Error(`warning code ${w.code} is not in the catalogue: ${w.message}`);
    }
  },
  show: (i) =>
    `mutated ${i.seed} (${i.bytes.length} bytes, ${i.sizes.length} chunks, keys ${i.keys === undefined ? 'no' : `${i.keys.length} chars`}, ` +
    `limits ${JSON.stringify(i.limits)}, maxMessage ${i.maxMessage}): ${hexPreview(i.bytes, 96)}`,
};
