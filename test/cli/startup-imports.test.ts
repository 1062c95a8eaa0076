/**
 * Start-up cost (issue 7: the TUI's first screen within 1 s on a 300k-packet capture): the modules
 * statically reachable from the CLI entry, the file command and the TUI launcher must not include
 * the pipeline or the X.509/ASN.1 libraries (~0.3-0.5 s to load); those are imported after the
 * first screen is drawn. Measure the real thing with test/tools/tui-first-screen.mjs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** Static (non-type) imports of a TypeScript module, followed through relative paths. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[2]!;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  walk(join(SRC, entry));
  return { files, packages };
}

const rel = (f: string): string => f.slice(SRC.length + 1);

describe('start-up imports', () => {
  for (const entry of ['cli/main.ts', 'cli/file-command.ts', 'cli/tui-launch.ts']) {
    it(`${entry} does not load the pipeline or the ASN.1 libraries before the first screen`, () => {
      const { files, packages } = staticClosure(entry);
      expect([...packages].filter((p) => p.startsWith('@peculiar/') || p === 'ajv' || p.startsWith('blessed-contrib'))).toEqual([]);
      expect([...files].map(rel).filter((f) => f === 'cli/pipeline.ts' || f.startsWith('tls/x509/') || f === 'analysis/analyzer.ts' || f.startsWith('tcp/'))).toEqual([]);
    });
  }

  it('the walker sees what the pipeline pulls in (so the checks above can fail)', () => {
    const { files, packages } = staticClosure('cli/pipeline.ts');
    expect(packages.has('@peculiar/asn1-x509')).toBe(true);
    expect([...files].map(rel)).toContain('analysis/analyzer.ts');
  });
});
