/**
 * A verdict that rests on inferred evidence only (TLS 1.3 record sizes without keys) is shown as
 * inferred in every format: text `[mtls-ok?]`, Markdown and HTML `mtls-ok (inferred)`, JSON
 * `verdictInferred`, the TUI table `mTLS ok?`. With keys the same connection is a plain fact.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/golden.js';
import { analyse } from '../helpers/analyse.js';
import { connectionRow, contentWidths, layoutColumns, renderRow, verdictLabel, type ContentWidths } from '../../src/tui/view-model/rows.js';
import { lineText } from '../../src/tui/view-model/styled.js';

const BIN = join(REPO, 'bin', 'tls-inspect');
const PCAP = join(REPO, 'captures', 'tls13-resumption.pcap');
const KEYS = join(REPO, 'captures', 'tls13-resumption.keys');

function run(format: string, keylog = false): string {
  const args = [BIN, 'file', PCAP, '--format', format, ...(keylog ? ['--keylog', KEYS] : [])];
  const r = spawnSync(process.execPath, args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', SSLKEYLOGFILE: '' }, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('inferred verdicts are labelled in every format', () => {
  it('text: [mtls-ok?] without keys, [mtls-ok] with them', () => {
    // the header wraps at 100 columns when piped: the verdict ends its first or second line
    const header = (out: string) => out.split('\n').slice(0, 2).join(' ');
    expect(header(run('text'))).toMatch(/\[mtls-ok\?\]\s*$/m);
    expect(header(run('text', true))).toMatch(/\[mtls-ok\]\s*$/m);
  });

  it('Markdown: the section title and the summary table say (inferred)', () => {
    const md = run('markdown');
    expect(md).toMatch(/^### #0 .* — mtls-ok \(inferred\)$/m);
    expect(md).toMatch(/^\| 0 \|.*\| mtls-ok \(inferred\) \|$/m);
    expect(run('markdown', true)).not.toMatch(/\(inferred\)/);
  });

  it('HTML: the badge says (inferred) and why', () => {
    const html = run('html');
    expect(html).toMatch(/<span class="badge v-mtls-ok" title="inferred[^"]*">mtls-ok \(inferred\)<\/span>/);
    expect(run('html', true)).not.toMatch(/mtls-ok \(inferred\)/);
  });

  it('JSON: verdictInferred is true only without keys', () => {
    const plain = JSON.parse(run('json'));
    expect(plain.connections[0].verdict).toBe('mtls-ok');
    expect(plain.connections[0].verdictInferred).toBe(true);
    const keyed = JSON.parse(run('json', true));
    expect(keyed.connections[0].verdictInferred).toBeUndefined();
  });

  it('TUI table: mTLS ok? in the verdict column', async () => {
    const a = await analyse(PCAP, { all: false });
    const row = connectionRow(a.connections[0]);
    expect(verdictLabel(row.model)).toBe('mTLS ok?');
    const widths: ContentWidths = {};
    contentWidths(row, widths);
    expect(lineText(renderRow(row, layoutColumns(140, widths)))).toMatch(/mTLS ok\?\s*$/);
  });
});
